#pragma once
// Time axis arithmetic for the timeline, in microseconds since the Unix epoch and shown in local time: which ticks
// to draw for a visible span (round local units from microseconds to years, as dense as the labels allow), how to
// label them, and how to print an instant or a duration at a given precision.

#include <QFontMetrics>
#include <QString>

#include <vector>

namespace mnemo::ui {

struct TimeTick {
    qint64 us;
    QString label;
    bool major; // a day (or month, year) boundary: drawn stronger, labelled with the date
};

// Ticks inside [fromUs, toUs] when that span covers `widthPx` pixels, spaced so that labels measured with `metrics`
// do not collide. Aligned to local calendar units; across a DST change hour ticks keep the offset of `fromUs`.
std::vector<TimeTick> timeTicks(qint64 fromUs, qint64 toUs, double widthPx, const QFontMetrics &metrics);

// "2024-05-03 14:02:11.250": local time, with milliseconds when `precisionUs` is under a second and microseconds when
// it is under a millisecond.
QString formatInstant(qint64 us, qint64 precisionUs);

// "850 µs", "12.5 ms", "3.20 s", "4 min 05 s", "2 h 10 min", "3 d 4 h"; negative durations get a minus sign.
QString formatDuration(qint64 us);

// Floor division that rounds towards minus infinity, for times before the epoch.
constexpr qint64 floorDiv(qint64 a, qint64 b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

} // namespace mnemo::ui
