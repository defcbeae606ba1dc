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

// Both the first page and the total are read on workers (a database may be across a network; a count over a
// selective filter can touch every row); reloaded() says the total once the first page is shown and it is known.
void ItemTableModel::reload() {
    m_pageJob.cancel(); // pages and counts still running were for another filter or store
    m_countJob.cancel();
    beginResetModel();
    m_rows.clear();
    m_more = false;
    m_total = -1;
    m_error.clear();
    m_firstPageShown = false;
    m_count.reset();
    endResetModel();
    if (!m_session.store()) {
        m_total = 0;
        emit reloaded(m_total);
        return;
    }
    readPage(0);
    countInBackground();
}

void ItemTableModel::readPage(qint64 offset) {
    std::shared_ptr<AgentStore> reader = m_session.openReader();
    if (!reader) {
        showPage(Page{offset, {}, tr("cannot open another connection to the store")});
        return;
    }
    m_pageJob.run(
        [reader, f = effectiveFilter(), offset](const auto &) {
            faultPoint("ui.inspect.page");
            Page page{offset, {}, {}};
            auto rows = reader->items(f, offset, kPage);
            if (rows.ok()) page.rows = std::move(rows.value());
            else page.error = QString::fromStdString(rows.message());
            return page;
        },
        [this](Page &&page) { showPage(std::move(page)); },
        [this, offset](const QString &message) { showPage(Page{offset, {}, message}); });
}

void ItemTableModel::showPage(Page &&page) {
    if (!page.error.isEmpty()) {
        m_error = page.error;
        m_more = false; // nothing more can be read: stop asking
    } else if (page.offset == qint64(m_rows.size()) && !page.rows.empty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.rows.size()) - 1);
        for (auto &it : page.rows) m_rows.push_back(std::move(it));
        endInsertRows();
        m_more = page.rows.size() == size_t(kPage);
    } else {
        m_more = false;
    }
    if (page.offset == 0) {
        m_firstPageShown = true;
        announceWhenReady();
    }
}

void ItemTableModel::countInBackground() {
    std::shared_ptr<AgentStore> reader = m_session.openReader();
    if (!reader) {
        m_count = Count{0, tr("cannot open another connection to the store")};
        announceWhenReady();
        return;
    }
    m_countJob.run(
        [reader, f = effectiveFilter()](const auto &) {
            faultPoint("ui.inspect.table");
            Count count;
            auto n = reader->countItems(f);
            if (n.ok()) count.total = n.value();
            else count.error = QString::fromStdString(n.message());
            return count;
        },
        [this](Count &&count) {
            m_count = count;
            announceWhenReady();
        },
        [this](const QString &message) {
            m_count = Count{0, message};
            announceWhenReady();
        });
}

void ItemTableModel::announceWhenReady() {
    if (!m_firstPageShown || !m_count) return;
    if (!m_count->error.isEmpty() && m_error.isEmpty()) m_error = m_count->error;
    m_total = m_count->total;
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

bool ItemTableModel::canFetchMore(const QModelIndex &parent) const {
    return !parent.isValid() && m_more && !m_pageJob.busy();
}

void ItemTableModel::fetchMore(const QModelIndex &parent) {
    if (parent.isValid() || !m_more || m_pageJob.busy()) return;
    readPage(qint64(m_rows.size()));
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
