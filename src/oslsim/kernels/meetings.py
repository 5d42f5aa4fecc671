"""Per-membership kernels of the meetings phase: attendance, dues, hours, ties."""

from __future__ import annotations

import numpy as np

from oslsim.kernels.basic import _jit


@_jit
def meeting_chance(hh, org, n, charge_o, savings, hours, per_meeting, solidarity, vitality,
                   pull_o, trust_o, base, w_solidarity, w_vitality, crowd,
                   unaffordable):  # pragma: no cover - compiled
    """Each membership's chance to attend this month, and each household's memberships.

    The same products, in the same order, as the meetings phase's numpy expression:
    ``(base + ws * s + wv * v) * fits * pull * trust * crowd * afford``.
    """
    e = hh.size
    per = np.zeros(n, np.int64)
    owed = np.zeros(n)
    for i in range(e):
        per[hh[i]] += 1
        owed[hh[i]] += charge_o[org[i]]
    p = np.empty(e)
    for i in range(e):
        h, o = hh[i], org[i]
        k = per[h] if per[h] > 1 else 1
        fit = hours[h] / (k * per_meeting)
        if 1.0 <= fit:
            fit = 1.0
        x = ((base + w_solidarity * solidarity[h] + w_vitality * vitality[o]) * fit
             * pull_o[o] * trust_o[o] * crowd)
        if not savings[h] >= owed[h]:
            x = x * unaffordable
        p[i] = x
    return p, per


@_jit
def meeting_dues(hh, org, attended, n, m, charge_o, dues, savings):  # pragma: no cover
    """Dues and contributions of the attendees, scaled to what their savings allow.

    Returns what each membership paid, its dues part (the rest is an arisan contribution),
    each household's total payment and each organisation's dues received, summed in
    membership order as ``numpy.bincount`` sums them.
    """
    e = hh.size
    owed = np.zeros(n)
    for i in range(e):
        if attended[i]:
            owed[hh[i]] += charge_o[org[i]]
    scale = np.zeros(n)
    for h in range(n):
        if owed[h] > 0:
            d = owed[h] if owed[h] >= 1e-12 else 1e-12
            y = savings[h] / d
            scale[h] = 1.0 if 1.0 <= y else y
    paid = np.zeros(e)
    part = np.zeros(e)
    by_hh = np.zeros(n)
    by_org = np.zeros(m)
    for i in range(e):
        h, o = hh[i], org[i]
        c = charge_o[o]
        due = c if attended[i] else 0.0
        x = due * scale[h]
        paid[i] = x
        by_hh[h] += x
        if c > 0:
            d = c if c >= 1e-12 else 1e-12
            part[i] = x * dues[o] / d
        by_org[o] += part[i]
    return paid, part, by_hh, by_org


@_jit
def meeting_ties(idx, hh, org, attended, n, m, mem_tie, mem_attended, growth,
                 decay):  # pragma: no cover - compiled
    """Attendance counts and members; the ties and attendance flags of ``idx``, in place.

    Returns attendances per household (float) and per organisation (int32) and members
    per organisation (int32).
    """
    e = hh.size
    count = np.zeros(n)
    attendance = np.zeros(m, np.int32)
    members = np.zeros(m, np.int32)
    mem_attended[:] = False
    for i in range(e):
        o = org[i]
        members[o] += 1
        j = idx[i]
        t = mem_tie[j]
        if attended[i]:
            count[hh[i]] += 1.0
            attendance[o] += 1
            mem_tie[j] = t + growth * (1.0 - t)
            mem_attended[j] = True
        else:
            mem_tie[j] = t * (1.0 - decay)
    return count, attendance, members


@_jit
def over_hours(hh, attended, most, n):  # pragma: no cover - compiled
    """The attended memberships of households attending more than ``most`` meetings.

    Returns those rows (ascending, as ``np.flatnonzero``) and whether any household's count
    is above its ``most`` (the counts are whole numbers, as ``np.bincount`` gives them).
    """
    count = np.zeros(n, np.int64)
    for i in range(hh.size):
        if attended[i]:
            count[hh[i]] += 1
    over = np.zeros(n, np.bool_)
    any_over = False
    for h in range(n):
        if count[h] > most[h]:
            over[h] = True
            any_over = True
    rows = np.empty(hh.size, np.int64)
    k = 0
    if any_over:
        for i in range(hh.size):
            if attended[i] and over[hh[i]]:
                rows[k] = i
                k += 1
    return rows[:k], any_over
