"""Every word the teaching page shows, in Bahasa Indonesia (first) and English.

The page never holds a user-facing literal of its own: buttons, sliders, tooltips, plot
titles, table headers and the glossary all come from :data:`LABELS` and :data:`GLOSSARY`,
so a trainer sees one language at a time and a test can check both tables are complete.
Indicator names, their number formats and which direction is better come from the term
table :mod:`oslsim.terms`, which the plots and the hypothesis report read too.
"""

from __future__ import annotations

from oslsim import terms
from oslsim.pmks import KIND_NAMES
from oslsim.terms import DEFAULT_LANG, LANGS, check_lang

__all__ = ["LANGS", "DEFAULT_LANG", "LABELS", "GLOSSARY", "STAGES", "label", "category_name",
           "kind_name", "check_lang"]

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "app_title": "oslsim — OSL sebagai WKSBM",
        "app_subtitle": "Semakin banyak OSL bekerja sebagai WKSBM, semakin ringan beban warga?",
        "language": "Bahasa",
        "lang_id": "Bahasa Indonesia",
        "lang_en": "English",
        "section_setup": "Lokasi dan skenario",
        "section_levers": "Tuas kebijakan",
        "section_run": "Jalannya simulasi",
        "scenario": "Lokasi / skenario",
        "tip_scenario": "Pilih salah satu lokasi studi atau skenario bawaan; tuas di bawah "
                        "menimpa nilainya.",
        "scenario_default": "Kelurahan contoh (nilai bawaan)",
        "households": "Jumlah rumah tangga (KK)",
        "tip_households": "Besar kelurahan yang disimulasikan. Makin besar, makin lambat.",
        "seed": "Nomor acak (seed)",
        "tip_seed": "Nomor yang sama memberi hasil yang sama; ganti untuk melihat variasi.",
        "warmup": "Mulai hangat (tanpa WKSBM dulu sampai stabil)",
        "tip_warmup": "Kelurahan dijalankan dulu tanpa WKSBM sampai beban warga stabil, lalu "
                      "bulan 0 dimulai dengan cakupan WKSBM yang dipilih. Tanpa ini, tahun-tahun "
                      "pertama memperlihatkan pemanasan model, bukan efek WKSBM.",
        "lever_wksbm": "Cakupan WKSBM (bagian RW yang dilayani WKSBM)",
        "tip_wksbm": "Bagian RW yang sejak awal punya satu OSL yang melayani seluruh RW dan "
                     "bergabung dalam forum WKSBM kelurahan. Kerja forum memakan jam pengurus; "
                     "uang warga ada dengan atau tanpa WKSBM.",
        "lever_capacity": "Kemampuan awal pengurus (0 = belum terlatih, 1 = sangat terampil)",
        "tip_capacity": "Keterampilan rata-rata pengurus OSL di awal: menentukan berapa "
                        "kasus ditemukan dan seberapa berhasil layanannya.",
        "lever_training": "Porsi anggaran pemerintah untuk pelatihan pengurus (Diklat/PDPS)",
        "tip_training": "Bagian anggaran kesejahteraan sosial kelurahan yang dipakai melatih "
                        "pengurus setiap tahun.",
        "lever_mode": "Peran pemerintah",
        "tip_mode": "Tanpa dukungan: tidak ada dana, pelatihan atau rujukan. Fasilitator: "
                    "hibah, pelatihan dan rujukan. Mengarahkan: juga membentuk dan mengatur "
                    "organisasi dari atas, yang dapat mendesak swadaya warga.",
        "mode_none": "Tanpa dukungan",
        "mode_facilitator": "Fasilitator",
        "mode_directive": "Mengarahkan",
        "lever_dues": "Besar iuran (kali iuran biasa)",
        "tip_dues": "Iuran anggota dibanding biasanya: 0 = tanpa iuran, 2 = dua kali lipat. "
                    "Iuran mengisi kas, tetapi yang miskin bisa tidak sanggup membayar.",
        "lever_shock": "Guncangan ekonomi (bagian pendapatan yang hilang)",
        "tip_shock": "Krisis yang mengenai seluruh kelurahan: 0,2 berarti setiap rumah tangga "
                     "kehilangan 20% pendapatannya setiap bulan.",
        "levers_note": "Mengubah lokasi atau tuas memulai ulang simulasi dari bulan 0.",
        "play": "Jalankan",
        "pause": "Jeda",
        "step": "Maju 1 bulan",
        "reset": "Mulai ulang",
        "tip_play": "Jalankan bulan demi bulan sampai ditekan Jeda.",
        "tip_step": "Simulasikan satu bulan lagi.",
        "tip_reset": "Bangun kembali kelurahan dengan pengaturan sekarang (bulan 0).",
        "speed": "Jeda antarbulan saat berjalan (milidetik)",
        "month": "Bulan ke-{month}",
        "month_of": "Bulan ke-{month} (tahun ke-{year})",
        "busy": "Sedang menghitung…",
        "error": "Terjadi galat: {message}",
        "summary": "{households} KK · {osl} OSL hidup · {wksbm} bekerja sebagai WKSBM · "
                   "beban warga {burden}",
        "network": "Jaringan warga",
        "tip_network": "Setiap titik adalah satu rumah tangga, dikelompokkan per RT; garis "
                       "adalah ikatan tetangga dan kerabat.",
        "network_sample": "Menampilkan {shown} dari {total} rumah tangga (contoh merata).",
        "color_by": "Warnai menurut",
        "color_pmks": "Kondisi PMKS",
        "color_org": "Organisasi",
        "legend_none": "tanpa masalah",
        "legend_served": "dilayani",
        "legend_unserved": "belum dilayani",
        "legend_no_org": "bukan anggota",
        "legend_wksbm": "OSL anggota WKSBM",
        "legend_osl": "OSL lain",
        "plots": "Grafik",
        "plot_burden": "Beban warga",
        "plot_pmks": "PMKS per kategori (bagian KK)",
        "plot_solidarity": "Kesetiakawanan dan modal sosial",
        "plot_coverage": "Cakupan pelayanan",
        "axis_month": "bulan",
        "axis_share": "bagian KK",
        "logic_model": "Model logika studi",
        "tip_logic_model": "Alur studi: MASUKAN → PROSES → KELUARAN → DAMPAK → HASIL, "
                           "diisi indikator model, awal dibanding sekarang.",
        "col_stage": "Tahap",
        "col_item": "Butir dalam studi",
        "col_indicator": "Indikator model",
        "col_start": "Awal",
        "col_now": "Sekarang",
        "col_change": "Perubahan",
        "stories": "Cerita warga dan organisasi",
        "pick_household": "Nomor rumah tangga",
        "tip_pick_household": "Ketik nomor rumah tangga (0 sampai {last}) untuk membaca "
                              "ceritanya.",
        "next_unserved": "Cari KK berikutnya yang belum terlayani",
        "tip_next_unserved": "Lompat ke rumah tangga berikutnya yang punya masalah PMKS "
                             "yang belum dilayani.",
        "no_unserved": "Tidak ada rumah tangga dengan masalah yang belum dilayani.",
        "pick_org": "Organisasi",
        "household_story": "Rumah tangga",
        "org_story": "Organisasi",
        "org_dissolved": "(sudah bubar)",
        "glossary": "Daftar istilah",
        "footer": "Model simulasi untuk pelatihan; angka-angkanya ilustrasi, bukan ramalan.",
    },
    "en": {
        "app_title": "oslsim — OSL working as WKSBM",
        "app_subtitle": "The more OSLs work as WKSBM, the lighter the burden on residents?",
        "language": "Language",
        "lang_id": "Bahasa Indonesia",
        "lang_en": "English",
        "section_setup": "Site and scenario",
        "section_levers": "Policy levers",
        "section_run": "Running the simulation",
        "scenario": "Site / scenario",
        "tip_scenario": "Pick one of the study's sites or a built-in scenario; the levers "
                        "below override its values.",
        "scenario_default": "Example kelurahan (default values)",
        "households": "Households (KK)",
        "tip_households": "Size of the simulated kelurahan. Larger is slower.",
        "seed": "Random seed",
        "tip_seed": "The same seed gives the same results; change it to see variation.",
        "warmup": "Warm start (without WKSBM until stable first)",
        "tip_warmup": "The kelurahan first runs without WKSBM until the burden is stationary; "
                      "month 0 then starts with the chosen WKSBM coverage. Without it, the "
                      "first years show the model warming up, not the effect of WKSBM.",
        "lever_wksbm": "WKSBM coverage (share of RW a WKSBM serves)",
        "tip_wksbm": "Share of RW that from the start have one OSL serving the whole RW and "
                     "taking part in the kelurahan's WKSBM forum. Forum work takes the "
                     "pengurus' hours; residents' money exists with or without WKSBM.",
        "lever_capacity": "Pengurus' initial skill (0 = untrained, 1 = highly skilled)",
        "tip_capacity": "Average skill of the OSL pengurus at the start: it decides how many "
                        "cases are found and how well they are served.",
        "lever_training": "Share of the government budget for pengurus training (Diklat/PDPS)",
        "tip_training": "Part of the kelurahan's social-welfare budget spent each year on "
                        "training pengurus.",
        "lever_mode": "Government role",
        "tip_mode": "None: no money, training or referral. Facilitator: grants, training and "
                    "referral. Directive: also founds and steers organisations from above, "
                    "which can crowd out voluntary effort.",
        "mode_none": "No support",
        "mode_facilitator": "Facilitator",
        "mode_directive": "Directive",
        "lever_dues": "Dues (times the usual amount)",
        "tip_dues": "Members' dues compared with usual: 0 = no dues, 2 = double. Dues fill "
                    "the treasury, but the poor may be unable to pay.",
        "lever_shock": "Economic shock (share of income lost)",
        "tip_shock": "A crisis hitting the whole kelurahan: 0.2 means every household loses "
                     "20% of its income every month.",
        "levers_note": "Changing the site or a lever restarts the simulation at month 0.",
        "play": "Play",
        "pause": "Pause",
        "step": "Step 1 month",
        "reset": "Reset",
        "tip_play": "Run month after month until Pause is pressed.",
        "tip_step": "Simulate one more month.",
        "tip_reset": "Rebuild the kelurahan with the current settings (month 0).",
        "speed": "Delay between months while playing (milliseconds)",
        "month": "Month {month}",
        "month_of": "Month {month} (year {year})",
        "busy": "Computing…",
        "error": "Error: {message}",
        "summary": "{households} households · {osl} living OSLs · {wksbm} working as WKSBM · "
                   "burden {burden}",
        "network": "Community network",
        "tip_network": "Each dot is one household, grouped by RT; lines are neighbour and "
                       "kin ties.",
        "network_sample": "Showing {shown} of {total} households (an even sample).",
        "color_by": "Colour by",
        "color_pmks": "PMKS condition",
        "color_org": "Organisation",
        "legend_none": "no condition",
        "legend_served": "served",
        "legend_unserved": "not served",
        "legend_no_org": "not a member",
        "legend_wksbm": "OSL in the WKSBM forum",
        "legend_osl": "other OSL",
        "plots": "Plots",
        "plot_burden": "Burden on residents",
        "plot_pmks": "PMKS by category (share of households)",
        "plot_solidarity": "Solidarity and social capital",
        "plot_coverage": "Service coverage",
        "axis_month": "month",
        "axis_share": "share of households",
        "logic_model": "The study's logic model",
        "tip_logic_model": "The study's chain: MASUKAN (inputs) → PROSES (process) → KELUARAN "
                           "(outputs) → DAMPAK (impact) → HASIL (outcomes), filled with model "
                           "indicators, start versus now.",
        "col_stage": "Stage",
        "col_item": "Item in the study",
        "col_indicator": "Model indicator",
        "col_start": "Start",
        "col_now": "Now",
        "col_change": "Change",
        "stories": "Stories of households and organisations",
        "pick_household": "Household number",
        "tip_pick_household": "Type a household number (0 to {last}) to read its story.",
        "next_unserved": "Find the next household not yet served",
        "tip_next_unserved": "Jump to the next household with a PMKS condition nobody serves.",
        "no_unserved": "No household has an unserved condition.",
        "pick_org": "Organisation",
        "household_story": "Household",
        "org_story": "Organisation",
        "org_dissolved": "(dissolved)",
        "glossary": "Glossary",
        "footer": "A simulation model for training; its numbers illustrate, they do not "
                  "forecast.",
    },
}

#: The study's logic-model stages with their English glosses.
STAGES: dict[str, dict[str, str]] = {
    "id": {"MASUKAN": "MASUKAN", "PROSES": "PROSES", "KELUARAN": "KELUARAN",
           "DAMPAK": "DAMPAK", "HASIL": "HASIL"},
    "en": {"MASUKAN": "MASUKAN (inputs)", "PROSES": "PROSES (process)",
           "KELUARAN": "KELUARAN (outputs)", "DAMPAK": "DAMPAK (impact)",
           "HASIL": "HASIL (outcomes)"},
}

#: A short glossary for trainees: term -> {lang: explanation}.
GLOSSARY: dict[str, dict[str, str]] = {
    "OSL": {
        "id": "Organisasi Sosial Lokal: perkumpulan warga di akar rumput (pengajian, arisan, "
              "PKK, paguyuban, karang taruna, KUBE, lembaga adat…).",
        "en": "Organisasi Sosial Lokal, a local social organisation: a grassroots group of "
              "residents (study groups, arisan, PKK, associations, youth groups, KUBE…).",
    },
    "KPS": {
        "id": "Kelompok Pranata Sosial: bentuk OSL yang tumbuh dari kebutuhan warga sendiri "
              "atau diprakarsai pemerintah.",
        "en": "Kelompok Pranata Sosial, a social-institution group: the form an OSL takes, "
              "grown by residents or initiated by government.",
    },
    "WKSBM": {
        "id": "Wahana Kesejahteraan Sosial Berbasis Masyarakat: sistem kerja sama antar-"
              "perangkat pelayanan sosial di akar rumput. OSL yang bekerja sebagai WKSBM "
              "melayani wilayahnya dan berbagi data kasus, rujukan dan akses ke pemerintah "
              "dalam forum kelurahan.",
        "en": "Wahana Kesejahteraan Sosial Berbasis Masyarakat, a community-based social-"
              "welfare vehicle: a network of grassroots social services. An OSL working as "
              "WKSBM serves its area and shares cases, referrals and access to government "
              "in the kelurahan forum.",
    },
    "PMKS": {
        "id": "Penyandang Masalah Kesejahteraan Sosial (kini disebut PPKS, Pemerlu Pelayanan "
              "Kesejahteraan Sosial): misalnya anak putus sekolah, lansia miskin, keluarga "
              "miskin, anak jalanan.",
        "en": "Penyandang Masalah Kesejahteraan Sosial, people with social-welfare problems "
              "(now PPKS, people needing social-welfare services): school drop-outs, poor "
              "elderly, poor families, street children…",
    },
    "PSKS": {
        "id": "Potensi dan Sumber Kesejahteraan Sosial: orang, lembaga dan dana di "
              "masyarakat yang dapat dipakai untuk menangani PMKS — termasuk OSL dan "
              "pengurusnya.",
        "en": "Potensi dan Sumber Kesejahteraan Sosial, social-welfare potentials and "
              "resources: people, institutions and funds a community can use against PMKS, "
              "OSLs and their pengurus among them.",
    },
    "PDPS": {
        "id": "Pendidikan Dasar Pekerja Sosial: pelatihan dasar pekerjaan sosial bagi "
              "pengurus dan relawan OSL.",
        "en": "Pendidikan Dasar Pekerja Sosial, basic social-work education for OSL pengurus "
              "and volunteers.",
    },
    "Diklat": {
        "id": "Pendidikan dan pelatihan; Pusdiklat Kesos dan Balai Diklat Kesos melatih SDM "
              "kesejahteraan sosial.",
        "en": "Education and training; Pusdiklat Kesos and the Balai Diklat train social-"
              "welfare workers.",
    },
    "pengurus": {
        "id": "Pengurus: ketua, sekretaris, bendahara dan pengelola sebuah OSL.",
        "en": "Pengurus: the board of an OSL (chair, secretary, treasurer, organisers).",
    },
    "gotong royong": {
        "id": "Gotong royong: saling membantu antarwarga tanpa imbalan.",
        "en": "Gotong royong: mutual help among neighbours, without payment.",
    },
    "kesetiakawanan": {
        "id": "Kesetiakawanan sosial: rasa kebersamaan dan kesediaan menolong sesama warga.",
        "en": "Kesetiakawanan sosial, social solidarity: togetherness and willingness to "
              "help fellow residents.",
    },
    "iuran": {
        "id": "Iuran: sumbangan rutin anggota ke kas organisasi (wajib atau sukarela).",
        "en": "Iuran: members' regular dues to the organisation's treasury (required or "
              "voluntary).",
    },
    "arisan": {
        "id": "Arisan: kelompok yang mengumpulkan uang tiap pertemuan dan mengundi siapa yang "
              "menerimanya.",
        "en": "Arisan: a rotating savings group; each meeting's pot goes to one member by lot.",
    },
    "RT / RW": {
        "id": "Rukun Tetangga dan Rukun Warga: satuan lingkungan di bawah kelurahan.",
        "en": "Rukun Tetangga and Rukun Warga: neighbourhood units below the kelurahan.",
    },
    "modal sosial": {
        "id": "Modal sosial: ikatan pengikat (dalam RT), penjembatan (antar-RT lewat OSL) "
              "dan penghubung (ke pemerintah lewat WKSBM).",
        "en": "Social capital: bonding (within an RT), bridging (across RTs through OSLs) and "
              "linking (to government through WKSBM).",
    },
    "beban warga": {
        "id": "Beban warga: rata-rata per KK dari masalah PMKS aktif yang belum dilayani, "
              "ditimbang menurut beratnya. Makin kecil makin baik.",
        "en": "Burden on residents: the mean per household of active PMKS conditions not "
              "being served, weighted by severity. Lower is better.",
    },
    "rujukan": {
        "id": "Rujukan: kasus yang tidak sanggup dilayani diteruskan ke anggota WKSBM lain "
              "atau ke pemerintah.",
        "en": "Referral: a case an OSL cannot serve is passed to another WKSBM member or to "
              "government.",
    },
}


def label(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """Return the label ``key`` in ``lang``, formatted with ``fmt``."""
    text = LABELS[check_lang(lang)][key]
    return text.format(**fmt) if fmt else text


def category_name(code: str, lang: str = DEFAULT_LANG) -> str:
    """Return a PMKS category's name in ``lang`` (its ``pmks_<code>`` term)."""
    return terms.term(f"pmks_{code}").label(lang)


def kind_name(code: str, lang: str = DEFAULT_LANG) -> str:
    """Return an OSL kind's name in ``lang``."""
    return KIND_NAMES[code][0 if check_lang(lang) == "id" else 1]
