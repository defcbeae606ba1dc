#include "SessionsDock.hpp"

#include "common/ScrollingBody.hpp"

#include "WorldSession.hpp"

#include "mnemo/core/Guard.hpp"
#include "mnemo/session/DatasetExport.hpp"
#include "mnemo/session/SessionDatabase.hpp"

#include <QDateTime>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QDir>
#include <QDirIterator>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mnemo::ui {
namespace {

enum Column { Name, Recorded, Engine, Frames, Size, ColumnCount };

qint64 folderBytes(const QString &folder) {
    qint64 total = 0;
    QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

} // namespace

SessionsDock::SessionsDock(QWidget *parent)
    : QDockWidget(tr("Sessions"), parent), m_table(new QTableWidget(0, ColumnCount)), m_open(new QPushButton(tr("Open"))),
      m_rename(new QPushButton(tr("Rename..."))), m_export(new QPushButton(tr("Export Dataset..."))),
      m_delete(new QPushButton(tr("Delete"))), m_undo(new QPushButton(tr("Undo Delete"))), m_status(new QLabel) {
    setObjectName("sessionsDock");
    auto *body = new QWidget(this);
    auto *v = new QVBoxLayout(body);
    m_table->setObjectName("sessionsTable");
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("Recorded"), tr("Engine"), tr("Frames"), tr("Size")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    v->addWidget(m_table);
    auto *row = new QHBoxLayout;
    auto *refreshButton = new QPushButton(tr("Refresh"));
    m_open->setToolTip(tr("Scrub the session and replay it against its engine (double-click a row)"));
    m_export->setToolTip(tr("Frames as PNGs plus per-frame camera, action and prompt (frames.jsonl)"));
    for (QPushButton *b : {m_open, m_export, refreshButton, m_rename, m_delete, m_undo}) row->addWidget(b);
    row->addStretch(1);
    v->addLayout(row);
    m_status->setWordWrap(true);
    m_status->setObjectName("sessionsStatus");
    v->addWidget(m_status);
    setWidget(scrollingBody(body, this)); // its table and buttons would otherwise set the log strip's height
    m_undo->setEnabled(false);
    connect(refreshButton, &QPushButton::clicked, this, &SessionsDock::refresh);
    connect(m_rename, &QPushButton::clicked, this, &SessionsDock::askRename);
    auto openSelected = [this] {
        if (const QString folder = selectedFolder(); !folder.isEmpty()) emit openRequested(folder);
    };
    connect(m_open, &QPushButton::clicked, this, openSelected);
    connect(m_table, &QTableWidget::cellDoubleClicked, this, openSelected);
    connect(m_export, &QPushButton::clicked, this, [this] {
        if (selectedFolder().isEmpty()) return;
        const QString out = QFileDialog::getExistingDirectory(this, tr("Export Dataset To"));
        if (!out.isEmpty()) exportSelectedTo(out);
    });
    connect(m_delete, &QPushButton::clicked, this, &SessionsDock::deleteSelected);
    connect(m_undo, &QPushButton::clicked, this, &SessionsDock::undoDelete);
    refresh();
}

void SessionsDock::refresh() {
    const QString root = WorldSession::sessionsFolder();
    m_table->setRowCount(0);
    const QStringList folders = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
    for (const QString &name : folders) {
        const QString folder = root + "/" + name;
        auto db = session::SessionDatabase::openReadOnly((folder + "/session.sqlite").toStdString());
        const int r = m_table->rowCount();
        m_table->insertRow(r);
        auto *nameItem = new QTableWidgetItem(name);
        nameItem->setData(Qt::UserRole, folder);
        m_table->setItem(r, Name, nameItem);
        if (!db.ok()) {
            // Not a session (or a damaged one): listed, greyed, with the reason, so nothing is silently hidden.
            nameItem->setForeground(Qt::gray);
            nameItem->setToolTip(QString::fromStdString(db.message()));
            m_table->setItem(r, Engine, new QTableWidgetItem(tr("unreadable")));
            continue;
        }
        const auto meta = db.value()->meta();
        auto get = [&](const char *k) { return meta.count(k) ? QString::fromStdString(meta.at(k)) : QString(); };
        nameItem->setText(get("name").isEmpty() ? name : get("name"));
        nameItem->setToolTip(folder);
        const qint64 created = get("created_unix_ms").toLongLong();
        m_table->setItem(r, Recorded, new QTableWidgetItem(
                                          QDateTime::fromMSecsSinceEpoch(created).toString("yyyy-MM-dd hh:mm:ss")));
        m_table->setItem(r, Engine, new QTableWidgetItem(get("engine_id")));
        m_table->setItem(r, Frames, new QTableWidgetItem(QString::number(db.value()->frameCount())));
        m_table->setItem(r, Size, new QTableWidgetItem(QLocale().formattedDataSize(folderBytes(folder))));
    }
    m_table->resizeColumnsToContents();
    m_status->setText(tr("%n session(s) in %1", nullptr, m_table->rowCount()).arg(root));
}

QString SessionsDock::selectedFolder() const {
    const auto rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_table->item(rows.first().row(), Name)->data(Qt::UserRole).toString();
}

void SessionsDock::askRename() {
    const QString folder = selectedFolder();
    if (folder.isEmpty()) return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename Session"), tr("Name:"), QLineEdit::Normal,
                                               m_table->item(m_table->currentRow(), Name)->text(), &ok);
    if (ok) renameSelected(name);
}

bool SessionsDock::renameSelected(const QString &name) {
    const QString folder = selectedFolder();
    if (folder.isEmpty() || name.trimmed().isEmpty()) return false;
    auto db = session::SessionDatabase::openForWriting((folder + "/session.sqlite").toStdString());
    if (!db.ok() || !db.value()->setMeta({{"name", name.trimmed().toStdString()}}).ok()) {
        m_status->setText(tr("Cannot rename: %1").arg(db.ok() ? tr("write failed") : QString::fromStdString(db.message())));
        return false;
    }
    refresh();
    return true;
}

bool SessionsDock::deleteSelected() {
    const QString folder = selectedFolder();
    if (folder.isEmpty()) return false;
    const QString trash = WorldSession::sessionsFolder() + "/.trash";
    QDir().mkpath(trash);
    const QString target = trash + "/" + QFileInfo(folder).fileName() + "-" + QString::number(QDateTime::currentMSecsSinceEpoch());
    if (!QDir().rename(folder, target)) {
        m_status->setText(tr("Cannot delete '%1': it could not be moved to %2").arg(folder, trash));
        return false;
    }
    m_lastDeleted = target;
    m_lastDeletedFrom = folder;
    m_undo->setEnabled(true);
    refresh();
    m_status->setText(tr("Deleted '%1' (moved to %2; Undo Delete brings it back)").arg(QFileInfo(folder).fileName(), trash));
    return true;
}

void SessionsDock::exportSelectedTo(const QString &outFolder) {
    const QString folder = selectedFolder();
    if (folder.isEmpty()) return;
    m_export->setEnabled(false);
    m_status->setText(tr("Exporting %1 to %2...").arg(QFileInfo(folder).fileName(), outFolder));
    auto *watcher = new QFutureWatcher<QPair<bool, QString>>(this);
    connect(watcher, &QFutureWatcher<QPair<bool, QString>>::finished, this, [this, watcher] {
        const auto [ok, message] = watcher->result();
        watcher->deleteLater();
        m_export->setEnabled(true);
        m_status->setText(message);
        emit exportFinished(ok, message);
    });
    watcher->setFuture(QtConcurrent::run([folder, outFolder]() -> QPair<bool, QString> {
        // A throw is reported as a failed export; in the future it would be rethrown by result() in the slot above.
        QPair<bool, QString> outcome;
        const Status s = guarded("exporting " + folder.toStdString(), [&] {
            faultPoint("ui.sessions.export");
            auto report = session::exportDataset(folder.toStdString(), outFolder.toStdString());
            if (!report.ok()) outcome = {false, tr("Export failed: %1").arg(QString::fromStdString(report.message()))};
            else outcome = {true, tr("Exported %1 frames to %2").arg(report->frames).arg(outFolder)};
        });
        if (!s.ok()) outcome = {false, tr("Export failed: %1").arg(QString::fromStdString(s.message()))};
        return outcome;
    }));
}

bool SessionsDock::undoDelete() {
    if (m_lastDeleted.isEmpty() || !QDir().rename(m_lastDeleted, m_lastDeletedFrom)) return false;
    m_lastDeleted.clear();
    m_undo->setEnabled(false);
    refresh();
    return true;
}

} // namespace mnemo::ui
