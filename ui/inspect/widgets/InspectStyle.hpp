#pragma once
// What the inspector views share so they read as one family: the dark background, the qualitative palette that maps
// a caller's colour key to a colour (the same key is the same colour in every view), and the overlay text blocks
// (legend, caption, centred message) drawn on top of the data.

#include <QColor>
#include <QRect>
#include <QString>
#include <QStringList>

class QPainter;

namespace mnemo::ui {

QColor inspectBackground();

// Twelve distinct colours that stay legible on the dark background; keys past twelve cycle.
QColor categoryColour(quint32 colourKey);
QRgb categoryRgb(quint32 colourKey); // premultiplied-safe: every palette colour is opaque

// Swatch + name for the first entries of `names` (index = colour key), then "+N more", in a box whose top-right
// corner is `topRight`. Returns the box drawn (empty when there are no names).
QRect paintLegend(QPainter &p, QPoint topRight, const QStringList &names);

// A line of text on a translucent plate; `anchor` is the plate's corner given by `alignment` (left/right, top/bottom).
QRect paintTag(QPainter &p, QPoint anchor, Qt::Alignment alignment, const QString &text);

// A muted message centred in `area`, for the empty and the "working on it" states.
void paintCentredMessage(QPainter &p, const QRect &area, const QString &text);

// "1,234,567": counts read faster with separators.
QString groupedCount(qint64 n);

} // namespace mnemo::ui
