#include "LogDock.hpp"

#include "mnemo/core/Log.hpp"

#include <QDateTime>
#include <QPlainTextEdit>
#include <QPointer>

namespace mnemo::ui {

LogDock::LogDock(QWidget *parent) : QDockWidget(tr("Log"), parent), m_view(new QPlainTextEdit(this)) {
    setObjectName("logDock");
    m_view->setReadOnly(true);
    m_view->setMaximumBlockCount(5000);
    m_view->setFont(QFont("monospace", 9));
    setWidget(m_view);
    for (const auto &line : log::recentLines()) {
        m_view->appendPlainText(QStringLiteral("%1 [%2] %3")
                                    .arg(log::levelName(line.level), QString::fromStdString(line.category),
                                         QString::fromStdString(line.message)));
    }
    QPointer<LogDock> self(this);
    m_sinkId = log::addSink([self](log::Level level, std::string_view category, std::string_view message) {
        const QString line = QStringLiteral("%1 %2 [%3] %4")
                                 .arg(QTime::currentTime().toString("HH:mm:ss.zzz"), log::levelName(level),
                                      QString::fromUtf8(category.data(), qsizetype(category.size())),
                                      QString::fromUtf8(message.data(), qsizetype(message.size())));
        if (self) QMetaObject::invokeMethod(self.data(), "appendLine", Qt::QueuedConnection, Q_ARG(QString, line));
    });
}

LogDock::~LogDock() { log::removeSink(m_sinkId); }

void LogDock::appendLine(const QString &line) { m_view->appendPlainText(line); }

} // namespace mnemo::ui
