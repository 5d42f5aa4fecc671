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
                     "uang warga ada dengan atau tanpa WKSBM. Selama simulasi, OSL yang mampu "
                     "bisa bergabung ke forum sendiri, jadi cakupan 0 bisa tumbuh.",
        "lever_capacity": "Kemampuan awal pengurus (0 = belum terlatih, 1 = sangat terampil)",
        "tip_capacity": "Keterampilan rata-rata pengurus OSL di awal: menentukan berapa "
                        "kasus ditemukan dan seberapa berhasil layanannya.",
        "lever_training": "Porsi anggaran pemerintah untuk pelatihan pengurus (Diklat/PDPS)",
        "tip_training": "Bagian anggaran kesejahteraan sosial kelurahan yang dipakai melatih "
                        "pengurus setiap tahun.",
        "lever_mode": "Peran pemerintah",
        "tip_mode": "Tanpa dukungan: tidak ada dana, pelatihan atau rujukan. Fasilitator: "
                    "hibah, pelatihan dan rujukan. Mengarahkan: juga membentuk dan mengatur "
                    "organisasi dari atas, yang dapat menggeser swadaya warga.",
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
        "kelurahan": "Kelurahan / desa yang ditampilkan",
        "tip_kelurahan": "Seluruh wilayah berjalan bersama: satu anggaran Dinas Sosial dibagi "
                         "dengan aturan alokasinya. Halaman ini menampilkan satu kelurahan; "
                         "memilih yang lain memulai ulang dari bulan 0.",
        "kelurahan_item": "{number}. {name} ({households} KK)",
        "region_note": "Wilayah {region}: menampilkan {name}, kelurahan {number} dari {count} "
                       "({households} dari {total} KK). Aturan anggaran: {rule}; bagian "
                       "kelurahan ini {budget} sebulan.",
        "region_levers_note": "Di wilayah, tuas WKSBM mengubah kelurahan ini saja; tuas lain "
                              "berlaku untuk seluruh wilayah (satu Dinas Sosial).",
        "region_households": "Jumlah KK ditetapkan oleh berkas wilayah.",
        "play": "Jalankan",
        "pause": "Hentikan sementara",
        "step": "Maju 1 bulan",
        "reset": "Mulai ulang",
        "tip_play": "Jalankan bulan demi bulan sampai ditekan Hentikan sementara.",
        "tip_step": "Simulasikan satu bulan lagi.",
        "tip_reset": "Bangun kembali kelurahan dengan pengaturan sekarang (bulan 0).",
        "speed": "Selang antarbulan (milidetik)",
        "month": "Bulan ke-{month}",
        "month_of": "Bulan ke-{month} (tahun ke-{year})",
        "busy": "Sedang menghitung…",
        "error": "Terjadi galat: {message}",
        "summary": "{households} KK · {osl} OSL aktif · {wksbm} bekerja sebagai WKSBM · "
                   "beban warga {burden}",
        "network": "Jaringan warga",
        "tip_network": "Setiap titik adalah satu rumah tangga, dikelompokkan per RT; garis "
                       "adalah ikatan tetangga dan kerabat.",
        "network_sample": "Menampilkan {shown} dari {total} rumah tangga (contoh merata). "
                          "Klik sebuah titik (rumah tangga) atau kotak/bintang (organisasi) "
                          "untuk membaca ceritanya.",
        "color_by": "Warnai menurut",
        "color_pmks": "Kondisi PMKS",
        "color_org": "Organisasi",
        "legend_none": "tanpa masalah",
        "legend_served": "dilayani",
        "legend_unserved": "belum dilayani",
        "legend_no_org": "bukan anggota",
        "legend_wksbm": "OSL anggota WKSBM",
        "legend_osl": "OSL lain",
        "plot_osl": "OSL menurut asal",
        "plot_pengurus": "Pengurus dan kehadiran pertemuan",
        "col_osl_natural": "OSL tumbuh alamiah dari warga",
        "col_osl_government": "OSL prakarsa pemerintah",
        "col_attendance_poor": "Kehadiran anggota miskin",
        "col_attendance_rest": "Kehadiran anggota tidak miskin",
        "legend_run_a": "garis putus-putus: percobaan A",
        "meaning_burden": "Beban warga: rata-rata per KK dari masalah PMKS aktif yang belum "
                          "dilayani, ditimbang menurut beratnya (masalah terberat = 1). "
                          "Skala: {value} berarti sekitar {per100} masalah berbobot yang belum "
                          "dilayani per 100 KK; 0 berarti semua masalah dilayani. Makin kecil "
                          "makin baik.",
        "meaning_coverage": "Cakupan pelayanan: dari semua kasus PMKS yang sedang aktif, "
                            "berapa persen yang sedang dilayani (OSL, kas sosial RT atau "
                            "pemerintah). Kasus teridentifikasi: dari semua kasus aktif, berapa "
                            "persen yang sudah ditemukan pengurus atau forum — ditemukan belum "
                            "tentu dilayani.",
        "meaning_pmks": "Persen KK yang punya masalah ini sekarang (satu KK bisa punya lebih "
                        "dari satu masalah).",
        "meaning_solidarity": "Indeks 0 sampai 1: kesetiakawanan rata-rata warga, dan ikatan "
                              "dalam RT (pengikat), lintas RT lewat OSL (penjembatan) dan ke "
                              "pemerintah lewat WKSBM (penghubung). Makin besar makin baik.",
        "meaning_osl": "Jumlah OSL yang aktif menurut asalnya, dan berapa yang bekerja sebagai "
                       "WKSBM.",
        "meaning_pengurus": "Kemampuan rata-rata pengurus (0 sampai 1) dari bulan ke bulan, dan "
                            "bagian anggota miskin dan tidak miskin yang hadir dalam pertemuan "
                            "bulan itu.",
        "warm_note": "Mulai hangat: kelurahan ini sudah dijalankan {months} bulan tanpa WKSBM "
                     "sampai beban warga stabil. Bulan 0 di sini adalah bulan ke-{months} sejak "
                     "kelurahan dibangun, saat cakupan WKSBM yang dipilih mulai berlaku.",
        "cold_note": "Mulai dingin: pada bulan 0 belum ada layanan, jadi tahun-tahun pertama "
                     "memperlihatkan pemanasan model, bukan efek WKSBM.",
        "run_to_month": "Sampai bulan ke-",
        "run_to_month_go": "Jalankan sampai bulan ke-{month}",
        "tip_run_to_month": "Simulasikan terus sampai bulan yang diketik, lalu berhenti.",
        "pin_run": "Sematkan sebagai percobaan A",
        "unpin_run": "Lepaskan percobaan A",
        "tip_pin_run": "Simpan percobaan ini sebagai A. Lalu ubah tuas: percobaan B berjalan "
                       "dari bulan 0, dan A tampil pudar di setiap grafik.",
        "pinned_note": "Percobaan A disematkan pada bulan ke-{month}. A tampil pudar dengan "
                       "garis putus-putus di setiap grafik.",
        "compare_title": "Perbandingan percobaan A dan B pada bulan ke-{month}",
        "compare_wait": "Jalankan percobaan B sampai bulan ke-{month} untuk membandingkan "
                        "keduanya pada bulan yang sama.",
        "col_a": "Percobaan A",
        "col_b": "Percobaan B",
        "col_diff": "B dikurangi A",
        "settings_diff": "Beda pengaturan: {changes}.",
        "settings_same": "Pengaturan A dan B sama.",
        "export_csv": "Unduh data (CSV)",
        "export_png": "Unduh grafik (PNG)",
        "print_summary": "Ringkasan untuk dicetak",
        "print_now": "Cetak",
        "print_close": "Tutup ringkasan",
        "print_title": "Ringkasan percobaan: {site}",
        "print_hint": "Satu halaman A4: pengaturan, model logika dan perbandingan A dan B.",
        "share_link": "Tautan dengan pengaturan ini",
        "tip_share_link": "Salin tautan ini dan bagikan: membukanya memulai kelurahan yang "
                          "sama dengan tuas yang sama.",
        "settings_title": "Pengaturan",
        "info_title": "Panduan skenario",
        "info_watch": "Apa yang diperhatikan",
        "info_try": "Coba ini",
        "info_discuss": "Pertanyaan diskusi",
        "network_all": "Menampilkan semua {total} rumah tangga. Klik sebuah titik (rumah tangga) "
                       "atau kotak/bintang (organisasi) untuk membaca ceritanya.",
        "network_click_none": "Di titik itu tidak ada rumah tangga atau organisasi.",
        "warmup_on": "ya",
        "warmup_off": "tidak",
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
        "tip_pick_household": "Ketik nomor rumah tangga ({first} sampai {last}) atau klik "
                              "titiknya di jaringan warga untuk membaca "
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
                     "pengurus' hours; residents' money exists with or without WKSBM. During "
                     "the run able OSL can join the forum by themselves, so coverage 0 can grow.",
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
        "kelurahan": "Kelurahan / desa shown",
        "tip_kelurahan": "The whole region runs together: one Dinas Sosial budget shared by its "
                         "allocation rule. The page shows one kelurahan; choosing another "
                         "restarts at month 0.",
        "kelurahan_item": "{number}. {name} ({households} households)",
        "region_note": "Region {region}: showing {name}, kelurahan {number} of {count} "
                       "({households} of {total} households). Budget rule: {rule}; this "
                       "kelurahan's part {budget} a month.",
        "region_levers_note": "In a region the WKSBM lever changes this kelurahan only; the "
                              "other levers apply to the whole region (one Dinas Sosial).",
        "region_households": "The region file sets the number of households.",
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
        "summary": "{households} households · {osl} active OSLs · {wksbm} working as WKSBM · "
                   "burden {burden}",
        "network": "Community network",
        "tip_network": "Each dot is one household, grouped by RT; lines are neighbour and "
                       "kin ties.",
        "network_sample": "Showing {shown} of {total} households (an even sample). Click a "
                          "dot (a household) or a square/star (an organisation) to read its "
                          "story.",
        "color_by": "Colour by",
        "color_pmks": "PMKS condition",
        "color_org": "Organisation",
        "legend_none": "no condition",
        "legend_served": "served",
        "legend_unserved": "not served",
        "legend_no_org": "not a member",
        "legend_wksbm": "OSL in the WKSBM forum",
        "legend_osl": "other OSL",
        "plot_osl": "OSL by origin",
        "plot_pengurus": "Pengurus and meeting attendance",
        "col_osl_natural": "OSL grown by residents",
        "col_osl_government": "Government-initiated OSL",
        "col_attendance_poor": "Attendance of poor members",
        "col_attendance_rest": "Attendance of other members",
        "legend_run_a": "dashed: run A",
        "meaning_burden": "Burden on residents: the mean per household of active PMKS "
                          "conditions not being served, weighted by severity (the most severe "
                          "= 1). Scale: {value} means about {per100} weighted unserved "
                          "conditions per 100 households; 0 means every condition is served. "
                          "Lower is better.",
        "meaning_coverage": "Service coverage: of all active PMKS cases, the percent being "
                            "served (by an OSL, the RT kas sosial or government). Cases "
                            "identified: of all active cases, the percent a pengurus or the "
                            "forum has found — found is not yet served.",
        "meaning_pmks": "Percent of households with this condition now (a household can have "
                        "more than one).",
        "meaning_solidarity": "Index 0 to 1: residents' mean solidarity, and ties within an RT "
                              "(bonding), across RT through OSLs (bridging) and to government "
                              "through WKSBM (linking). Higher is better.",
        "meaning_osl": "Active organisations by origin, and how many work as WKSBM.",
        "meaning_pengurus": "Mean pengurus skill (0 to 1) month by month, and the share of poor "
                            "and other members who attended that month's meeting.",
        "warm_note": "Warm start: this kelurahan has already run {months} months without WKSBM "
                     "until the burden was stable. Month 0 here is month {months} since the "
                     "kelurahan was built, when the chosen WKSBM coverage takes effect.",
        "cold_note": "Cold start: at month 0 there are no services yet, so the first years show "
                     "the model warming up, not the effect of WKSBM.",
        "run_to_month": "Up to month",
        "run_to_month_go": "Run to month {month}",
        "tip_run_to_month": "Simulate until the month typed, then stop.",
        "pin_run": "Pin as run A",
        "unpin_run": "Unpin run A",
        "tip_pin_run": "Keep this run as A. Then change a lever: run B starts at month 0 and A "
                       "is shown faded on every plot.",
        "pinned_note": "Run A pinned at month {month}. A is shown faded, dashed, on every plot.",
        "compare_title": "Run A against run B at month {month}",
        "compare_wait": "Run B up to month {month} to compare both at the same month.",
        "col_a": "Run A",
        "col_b": "Run B",
        "col_diff": "B minus A",
        "settings_diff": "Settings that differ: {changes}.",
        "settings_same": "Runs A and B have the same settings.",
        "export_csv": "Download data (CSV)",
        "export_png": "Download plots (PNG)",
        "print_summary": "Printable summary",
        "print_now": "Print",
        "print_close": "Close summary",
        "print_title": "Run summary: {site}",
        "print_hint": "One A4 page: settings, logic model and the A/B comparison.",
        "share_link": "Link with these settings",
        "tip_share_link": "Copy and share this link: opening it starts the same kelurahan with "
                          "the same levers.",
        "settings_title": "Settings",
        "info_title": "Scenario guide",
        "info_watch": "What to watch",
        "info_try": "Try this",
        "info_discuss": "Discussion questions",
        "network_all": "Showing all {total} households. Click a dot (a household) or a "
                       "square/star (an organisation) to read its story.",
        "network_click_none": "No household or organisation at that spot.",
        "warmup_on": "yes",
        "warmup_off": "no",
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
        "tip_pick_household": "Type a household number ({first} to {last}) or click its dot in the "
                              "network to read its story.",
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
        "id": "Wahana Kesejahteraan Sosial Berbasis Masyarakat: sistem kerja sama "
              "antarperangkat pelayanan sosial di akar rumput. OSL yang bekerja sebagai WKSBM "
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
        "id": "Modal sosial: ikatan pengikat (dalam RT), penjembatan (lintas RT lewat OSL) "
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
    "cakupan pelayanan": {
        "id": "Cakupan pelayanan: dari semua kasus PMKS yang sedang aktif, bagian yang sedang "
              "dilayani OSL, kas sosial RT atau pemerintah. Makin besar makin baik.",
        "en": "Service coverage: of all active PMKS cases, the share being served by an OSL, "
              "the RT kas sosial or government. Higher is better.",
    },
    "cakupan WKSBM": {
        "id": "Cakupan WKSBM: bagian RW yang dilayani sebuah OSL yang bekerja sebagai WKSBM "
              "(tuas di halaman ini).",
        "en": "WKSBM coverage: the share of RW served by an OSL working as WKSBM (a lever on "
              "this page).",
    },
    "rujukan": {
        "id": "Rujukan: kasus yang tidak sanggup dilayani diteruskan ke anggota WKSBM lain "
              "atau ke pemerintah.",
        "en": "Referral: a case an OSL cannot serve is passed to another WKSBM member or to "
              "government.",
    },
}


#: The regional budget rules' names (oslsim.allocation.RULES): Bahasa Indonesia, English.
RULE_NAMES: dict[str, tuple[str, str]] = {
    "equal_per_household": ("sama rata per KK", "equal per household"),
    "registered_pmks": ("menurut PMKS terdaftar", "by registered PMKS"),
    "need_capacity": ("menurut kebutuhan × kapasitas", "by need × capacity"),
    "competitive": ("proposal bersaing", "competitive proposals"),
    "wksbm_formation_first": ("pembentukan WKSBM dahulu", "WKSBM formation first"),
}


def rule_name(rule: str, lang: str = DEFAULT_LANG) -> str:
    """Return a regional budget rule's name in ``lang`` (its key if it has none)."""
    names = RULE_NAMES.get(rule)
    return rule if names is None else names[0 if check_lang(lang) == "id" else 1]


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
