#pragma once
// Engine status at a glance: the compute device, the world pipeline's state and counters. Polls every 250 ms
// (counters are read under short locks; nothing here waits on the engine thread).

#include <QDockWidget>

class QLabel;

namespace mnemo::ui {

class WorldSession;

class EngineDock : public QDockWidget {
    Q_OBJECT
public:
    EngineDock(WorldSession &world, QWidget *parent = nullptr);

    QString deviceText() const;

private:
    void refresh();
    WorldSession &m_world;
    QLabel *m_device;
    QLabel *m_driver;
    QLabel *m_state;
    QLabel *m_frames;
    QLabel *m_timing;
};

} // namespace mnemo::ui
