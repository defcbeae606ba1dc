#pragma once
// A dock's contents in a vertical scroll area: a dock whose form is taller than the room it gets scrolls instead
// of forcing the whole window taller than the screen (a 1280x800 laptop fits every workspace's default layout).

#include <QFrame>
#include <QScrollArea>

namespace mnemo::ui {

inline QScrollArea *scrollingBody(QWidget *body, QWidget *parent) {
    auto *scroll = new QScrollArea(parent);
    scroll->setWidget(body);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return scroll;
}

} // namespace mnemo::ui
