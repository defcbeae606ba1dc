#include "TimeAxis.hpp"

#include <QDateTime>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace mnemo::ui {

namespace {

constexpr qint64 kMs = 1000, kSec = 1000 * kMs, kMin = 60 * kSec, kHour = 60 * kMin, kDay = 24 * kHour;
constexpr int kLabelGap = 18; // px between neighbouring labels
constexpr int kMaxTicks = 2000;

// Fixed-length steps, finest first. Months and years follow, stepped on the calendar.
constexpr qint64 kSteps[] = {1,         2,         5,          10,        20,        50,        100,       200,
                             500,       kMs,       2 * kMs,    5 * kMs,   10 * kMs,  20 * kMs,  50 * kMs,  100 * kMs,
                             200 * kMs, 500 * kMs, kSec,       2 * kSec,  5 * kSec,  10 * kSec, 15 * kSec, 30 * kSec,
                             kMin,      2 * kMin,  5 * kMin,   10 * kMin, 15 * kMin, 30 * kMin, kHour,     2 * kHour,
                             3 * kHour, 6 * kHour, 12 * kHour, kDay,      2 * kDay,  7 * kDay,  14 * kDay};
constexpr int kMonthSteps[] = {1, 3, 6, 12, 24, 60, 120};

QDateTime localAt(qint64 us) {
    return QDateTime::fromMSecsSinceEpoch(floorDiv(us, kMs));
}

// What a tick at `us` says, for ticks `step` apart: just enough to tell neighbours apart, the date at day boundaries.
QString tickLabel(qint64 us, qint64 step, bool major) {
    const QDateTime t = localAt(us);
    if (step >= kDay) return t.toString(QStringLiteral("ddd d MMM"));
    if (major) return t.toString(QStringLiteral("d MMM"));
    if (step >= kMin) return t.toString(QStringLiteral("HH:mm"));
    if (step >= kSec) return t.toString(QStringLiteral("HH:mm:ss"));
    if (step >= kMs) return t.toString(QStringLiteral("HH:mm:ss.zzz"));
    return t.toString(QStringLiteral("ss.zzz")) +
           QStringLiteral("%1").arg(us - floorDiv(us, kMs) * kMs, 3, 10, QChar('0'));
}

// The widest label a step produces, to decide whether the step leaves room for it.
int labelWidth(qint64 step, const QFontMetrics &fm) {
    if (step >= kDay) return fm.horizontalAdvance(QStringLiteral("Wed 28 Sep"));
    if (step >= kMin) return fm.horizontalAdvance(QStringLiteral("28 Sep"));
    if (step >= kSec) return fm.horizontalAdvance(QStringLiteral("00:00:00"));
    if (step >= kMs) return fm.horizontalAdvance(QStringLiteral("00:00:00.000"));
    return fm.horizontalAdvance(QStringLiteral("00.000000"));
}

std::vector<TimeTick> monthTicks(qint64 fromUs, qint64 toUs, int months) {
    std::vector<TimeTick> out;
    const QDate first = localAt(fromUs).date();
    // Start at a month that is a multiple of the step, counted from January, so that labels stay put while panning.
    int monthIndex = first.year() * 12 + (first.month() - 1);
    monthIndex -= ((monthIndex % months) + months) % months;
    for (int guard = 0; guard < kMaxTicks; ++guard, monthIndex += months) {
        const QDate d(monthIndex / 12, monthIndex % 12 + 1, 1);
        const qint64 us = QDateTime(d, QTime(0, 0)).toMSecsSinceEpoch() * kMs;
        if (us > toUs) break;
        if (us < fromUs) continue;
        const bool yearStart = d.month() == 1;
        out.push_back({us, d.toString(months >= 12 || yearStart ? QStringLiteral("yyyy") : QStringLiteral("MMM yyyy")),
                       yearStart});
    }
    return out;
}

} // namespace

std::vector<TimeTick> timeTicks(qint64 fromUs, qint64 toUs, double widthPx, const QFontMetrics &metrics) {
    std::vector<TimeTick> out;
    if (toUs <= fromUs || widthPx <= 1) return out;
    const double usPerPx = double(toUs - fromUs) / widthPx;
    for (qint64 step : kSteps) {
        if (step / usPerPx < labelWidth(step, metrics) + kLabelGap) continue;
        // Round local units: shift by the UTC offset so that hours and days fall on local boundaries.
        const qint64 offset = qint64(localAt(fromUs).offsetFromUtc()) * kSec;
        for (qint64 t = (floorDiv(fromUs + offset, step) + 1) * step - offset; t <= toUs; t += step) {
            if (t < fromUs) continue;
            const bool major = step < kDay && floorDiv(t + offset, kDay) * kDay == t + offset;
            out.push_back({t, tickLabel(t, step, major), major});
            if (int(out.size()) >= kMaxTicks) break;
        }
        return out;
    }
    const int monthWidth = metrics.horizontalAdvance(QStringLiteral("Sep 2024")) + kLabelGap;
    for (int months : kMonthSteps)
        if (months * 30.44 * kDay / usPerPx >= monthWidth) return monthTicks(fromUs, toUs, months);
    return monthTicks(fromUs, toUs, kMonthSteps[std::size(kMonthSteps) - 1]);
}

QString formatInstant(qint64 us, qint64 precisionUs) {
    const QDateTime t = localAt(us);
    if (precisionUs >= kSec) return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (precisionUs >= kMs) return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) +
           QStringLiteral("%1").arg(us - floorDiv(us, kMs) * kMs, 3, 10, QChar('0'));
}

QString formatDuration(qint64 us) {
    if (us < 0) return QChar(0x2212) + formatDuration(-us);
    const auto two = [](qint64 v) { return QStringLiteral("%1").arg(v, 2, 10, QChar('0')); };
    if (us < kMs) return QStringLiteral("%1 µs").arg(us);
    if (us < kSec) return QStringLiteral("%1 ms").arg(double(us) / kMs, 0, 'g', 3);
    if (us < kMin) return QStringLiteral("%1 s").arg(double(us) / kSec, 0, 'f', 2);
    if (us < kHour) return QStringLiteral("%1 min %2 s").arg(us / kMin).arg(two(us % kMin / kSec));
    if (us < kDay) return QStringLiteral("%1 h %2 min").arg(us / kHour).arg(two(us % kHour / kMin));
    return QStringLiteral("%1 d %2 h").arg(us / kDay).arg(us % kDay / kHour);
}

} // namespace mnemo::ui
