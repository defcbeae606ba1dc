#pragma once
// Shows the engine's log. Engine threads log at any time; lines are handed to the UI thread with a queued call,
// so the sink never blocks a producer on widget work.

#include <QDockWidget>

class QPlainTextEdit;

namespace mnemo::ui {

class LogDock : public QDockWidget {
    Q_OBJECT
public:
    explicit LogDock(QWidget *parent = nullptr);
    ~LogDock() override;

    QPlainTextEdit *view() const { return m_view; }

public slots:
    void appendLine(const QString &line);

private:
    QPlainTextEdit *m_view;
    int m_sinkId = 0;
};

} // namespace mnemo::ui
