#pragma once
// An honest placeholder for a workspace that is not built yet: it says what the workspace will do and that it is
// not there, instead of showing controls that do nothing.

#include <QWidget>

namespace mnemo::ui {

class ComingNextPanel : public QWidget {
    Q_OBJECT
public:
    ComingNextPanel(const QString &title, const QString &plan, QWidget *parent = nullptr);
};

} // namespace mnemo::ui
