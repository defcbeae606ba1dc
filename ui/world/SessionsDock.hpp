#pragma once
// Recorded sessions: a list of the session folders under WorldSession::sessionsFolder() with their name, date,
// engine, frame count and size. Rename edits the session's name (its folder stays); Delete moves the folder to a
// .trash folder beside them, and Undo brings the last deleted one back.

#include <QDockWidget>

class QTableWidget;
class QPushButton;
class QLabel;

namespace mnemo::ui {

class SessionsDock : public QDockWidget {
    Q_OBJECT
public:
    explicit SessionsDock(QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    // Folder of the selected session, empty if none.
    QString selectedFolder() const;

signals:
    void openRequested(const QString &folder);
    void exportFinished(bool ok, const QString &message);

public slots:
    void refresh();
    bool renameSelected(const QString &name);
    bool deleteSelected();
    bool undoDelete();
    // Exports the selected session as a dataset (docs/dataset-format.md) on a worker; exportFinished() reports.
    void exportSelectedTo(const QString &outFolder);

private:
    void askRename();
    QTableWidget *m_table;
    QPushButton *m_open;
    QPushButton *m_rename;
    QPushButton *m_export;
    QPushButton *m_delete;
    QPushButton *m_undo;
    QLabel *m_status;
    QString m_lastDeleted;     // its path in the trash
    QString m_lastDeletedFrom; // where it came from
};

} // namespace mnemo::ui
