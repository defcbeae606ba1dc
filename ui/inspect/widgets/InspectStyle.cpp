#include "InspectStyle.hpp"

#include <QFontMetrics>
#include <QLocale>
#include <QPainter>

#include <algorithm>

namespace mnemo::ui {

namespace {

constexpr int kLegendMaxEntries = 12; // more than this is a wall of text; the rest is summarised as "+N more"
constexpr int kLegendNameChars = 28;
constexpr int kPad = 6;
constexpr int kSwatch = 10;

// Few's qualitative palette brightened for a dark background, plus four colours distinct from it.
constexpr QRgb kPalette[] = {0xff5da5da, 0xfffaa43a, 0xff60bd68, 0xfff17cb0, 0xffc9a648, 0xffb276b2,
                             0xffdecf3f, 0xfff15854, 0xff4dd0c8, 0xffa0d568, 0xff9d8cff, 0xffc8c8c8};
constexpr quint32 kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

const QColor kPlate(12, 14, 18, 200);
const QColor kText(222, 226, 234);
const QColor kMuted(140, 148, 162);

QString elided(const QString &s, int chars) {
    return s.size() > chars ? s.left(chars - 1) + QChar(0x2026) : s;
}

} // namespace

QColor inspectBackground() {
    return QColor(18, 20, 26);
}

QRgb categoryRgb(quint32 colourKey) {
    return kPalette[colourKey % kPaletteSize];
}

QColor categoryColour(quint32 colourKey) {
    return QColor::fromRgb(categoryRgb(colourKey));
}

QRect paintLegend(QPainter &p, QPoint topRight, const QStringList &names) {
    if (names.isEmpty()) return {};
    const QFontMetrics fm(p.font());
    const int shown = std::min<int>(int(names.size()), kLegendMaxEntries);
    const int hidden = int(names.size()) - shown;
    QStringList lines;
    int textWidth = 0;
    for (int i = 0; i < shown; ++i) {
        lines << elided(names[i], kLegendNameChars);
        textWidth = std::max(textWidth, fm.horizontalAdvance(lines.back()));
    }
    const QString more = hidden > 0 ? QStringLiteral("+%1 more").arg(hidden) : QString();
    if (!more.isEmpty()) textWidth = std::max(textWidth, fm.horizontalAdvance(more) - kSwatch - kPad);
    const int lineHeight = std::max(fm.height(), kSwatch + 2);
    const int rows = shown + (more.isEmpty() ? 0 : 1);
    const QRect box(topRight.x() - (kSwatch + 3 * kPad + textWidth), topRight.y(), kSwatch + 3 * kPad + textWidth,
                    rows * lineHeight + 2 * kPad - 2);

    p.save();
    p.setPen(Qt::NoPen);
    p.setBrush(kPlate);
    p.drawRoundedRect(box, 4, 4);
    for (int i = 0; i < shown; ++i) {
        const int y = box.top() + kPad + i * lineHeight;
        p.fillRect(QRect(box.left() + kPad, y + (lineHeight - kSwatch) / 2, kSwatch, kSwatch), categoryColour(i));
        p.setPen(kText);
        p.drawText(QRect(box.left() + 2 * kPad + kSwatch, y, textWidth + 1, lineHeight), Qt::AlignVCenter, lines[i]);
    }
    if (!more.isEmpty()) {
        p.setPen(kMuted);
        p.drawText(QRect(box.left() + kPad, box.top() + kPad + shown * lineHeight, box.width(), lineHeight),
                   Qt::AlignVCenter, more);
    }
    p.restore();
    return box;
}

QRect paintTag(QPainter &p, QPoint anchor, Qt::Alignment alignment, const QString &text) {
    if (text.isEmpty()) return {};
    const QFontMetrics fm(p.font());
    const QSize size(fm.horizontalAdvance(text) + 2 * kPad, fm.height() + 4);
    QRect box(anchor, size);
    if (alignment & Qt::AlignRight) box.moveRight(anchor.x());
    if (alignment & Qt::AlignBottom) box.moveBottom(anchor.y());
    p.save();
    p.setPen(Qt::NoPen);
    p.setBrush(kPlate);
    p.drawRoundedRect(box, 3, 3);
    p.setPen(kText);
    p.drawText(box, Qt::AlignCenter, text);
    p.restore();
    return box;
}

void paintCentredMessage(QPainter &p, const QRect &area, const QString &text) {
    p.save();
    p.setPen(kMuted);
    p.drawText(area.adjusted(kPad, kPad, -kPad, -kPad), Qt::AlignCenter | Qt::TextWordWrap, text);
    p.restore();
}

QString groupedCount(qint64 n) {
    return QLocale().toString(n);
}

} // namespace mnemo::ui
