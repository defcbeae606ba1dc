#include "ItemTableModel.hpp"

#include "InspectSession.hpp"

#include "mnemo/core/Guard.hpp"

#include <QBrush>
#include <QDateTime>
#include <QFont>

namespace mnemo::ui {

using namespace agentmem;

QString formatTime(qint64 us) {
    if (us <= 0) return QStringLiteral("—");
    return QDateTime::fromMSecsSinceEpoch(us / 1000).toString("yyyy-MM-dd HH:mm:ss");
}

ItemTableModel::ItemTableModel(InspectSession &session, QObject *parent)
    : QAbstractTableModel(parent), m_session(session) {}

ItemFilter ItemTableModel::effectiveFilter() const {
    ItemFilter f = m_session.baseFilter();
    f.text = m_extra.text;
    f.userId = m_extra.userId;
    f.agentId = m_extra.agentId;
    f.kind = m_extra.kind;
    f.tier = m_extra.tier;
    f.includeDeleted = m_extra.includeDeleted;
    return f;
}

void ItemTableModel::setFilter(const ItemFilter &extra) {
    m_extra = extra;
    reload();
}

void ItemTableModel::reload() {
    beginResetModel();
    m_rows.clear();
    m_more = false;
    m_total = 0;
    m_error.clear();
    AgentStore *store = m_session.store();
    if (store) {
        // The first page is a LIMIT query walking the newest rows: quick enough to show at once.
        ItemFilter f = effectiveFilter();
        auto page = store->items(f, 0, kPage);
        if (page.ok()) {
            m_rows = std::move(page.value());
            m_more = m_rows.size() == size_t(kPage);
        } else {
            m_error = QString::fromStdString(page.message());
        }
    }
    endResetModel();
    countInBackground();
}

// A count over a selective filter can touch every row: on a worker; reloaded() says the total when it is known.
void ItemTableModel::countInBackground() {
    std::shared_ptr<AgentStore> reader(m_session.store() && m_error.isEmpty() ? m_session.openReader().release()
                                                                              : nullptr);
    if (!reader) {
        m_countJob.cancel(); // a count still running was for another filter or store
        m_total = qint64(m_rows.size());
        emit reloaded(m_total);
        return;
    }
    m_total = -1;
    m_countJob.run(
        [reader, f = effectiveFilter()](const auto &) {
            faultPoint("ui.inspect.table");
            Count count;
            auto n = reader->countItems(f);
            if (n.ok()) count.total = n.value();
            else count.error = QString::fromStdString(n.message());
            return count;
        },
        [this](Count &&count) { showCount(count); },
        [this](const QString &message) { showCount(Count{0, message}); });
}

void ItemTableModel::showCount(const Count &count) {
    if (!count.error.isEmpty()) m_error = count.error;
    m_total = count.total;
    emit reloaded(m_total);
}

int ItemTableModel::rowOf(const QString &id) const {
    const std::string key = id.toStdString();
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].id == key) return int(i);
    }
    return -1;
}

const MemoryItem *ItemTableModel::itemAt(int row) const {
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)] : nullptr;
}

int ItemTableModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int ItemTableModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

bool ItemTableModel::canFetchMore(const QModelIndex &parent) const { return !parent.isValid() && m_more; }

void ItemTableModel::fetchMore(const QModelIndex &parent) {
    AgentStore *store = m_session.store();
    if (parent.isValid() || !store) return;
    auto page = store->items(effectiveFilter(), qint64(m_rows.size()), kPage);
    m_more = page.ok() && page->size() == size_t(kPage);
    if (!page.ok() || page->empty()) return; // nothing more can be read: stop asking
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page->size()) - 1);
    for (auto &it : page.value()) m_rows.push_back(std::move(it));
    endInsertRows();
}

QVariant ItemTableModel::data(const QModelIndex &index, int role) const {
    const MemoryItem *it = itemAt(index.row());
    if (!it) return {};
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Created: return formatTime(it->createdUs);
        case Kind: return QString::fromStdString(it->kind);
        case Text: {
            QString t = QString::fromStdString(it->text);
            if (role == Qt::DisplayRole) t = t.simplified().left(300);
            return t;
        }
        case User: return QString::fromStdString(it->userId);
        case Agent: return QString::fromStdString(!it->agentId.empty() ? it->agentId : it->appId);
        case Tier: return QString::fromStdString(it->tier);
        case State: return it->deletedUs ? tr("deleted %1").arg(formatTime(*it->deletedUs)) : QString::fromStdString(it->scope);
        }
    }
    if (role == Qt::UserRole) return QString::fromStdString(it->id);
    if (role == Qt::ForegroundRole && it->deletedUs) return QBrush(Qt::gray);
    if (role == Qt::FontRole && it->deletedUs) {
        QFont f;
        f.setStrikeOut(true);
        return f;
    }
    return {};
}

QVariant ItemTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char *names[] = {"Text", "Kind", "User", "Agent / app", "Tier / namespace", "Created", "Scope / state"};
    return tr(names[section]);
}

} // namespace mnemo::ui
