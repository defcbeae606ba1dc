#include "DetailPane.hpp"

#include "InspectSession.hpp"
#include "ItemTableModel.hpp"

#include "mnemo/core/Guard.hpp"

#include <QJsonDocument>
#include <QScrollBar>

namespace mnemo::ui {

using namespace agentmem;

namespace {

using Stale = LatestJob<QString>::Stale;

QString esc(const std::string &s) { return QString::fromStdString(s).toHtmlEscaped().replace("\n", "<br>"); }
QString link(const std::string &id) {
    return QString("<a href=\"item:%1\">%2</a>").arg(QString::fromUtf8(QUrl::toPercentEncoding(QString::fromStdString(id))),
                                                     QString::fromStdString(id).toHtmlEscaped());
}
QString pretty(const std::string &json) {
    QJsonDocument d = QJsonDocument::fromJson(QByteArray::fromStdString(json));
    if (d.isNull()) return QString::fromStdString(json).toHtmlEscaped();
    return QString::fromUtf8(d.toJson(QJsonDocument::Indented)).toHtmlEscaped();
}
QString row(const QString &k, const QString &v) {
    return v.isEmpty() ? QString() : QString("<tr><td style='color:#888;padding-right:8px'>%1</td><td>%2</td></tr>").arg(k, v);
}
const char *actionColour(const std::string &a) {
    if (a == "add") return "#2e7d32";
    if (a == "update") return "#1565c0";
    if (a == "delete") return "#c62828";
    if (a == "access") return "#8e24aa";
    return "#555";
}
QString errorHtml(const QString &message) { return "<p style='color:#c62828'>" + message.toHtmlEscaped() + "</p>"; }

// The sections of an item's page. They run on the detail pane's worker, through its reader: DetailPane::tr and
// formatTime are safe there (translation and QDateTime are thread-safe), and nothing here touches a widget.

QString headerSection(const MemoryItem &it, std::optional<qint64> asOf) {
    QString h = QString("<h3 style='margin:0'>%1 <span style='color:#888;font-weight:normal'>%2</span></h3>")
                    .arg(esc(it.kind), esc(it.id));
    if (asOf) {
        h += DetailPane::tr("<p style='color:#e65100'>As of %1%2</p>")
                 .arg(formatTime(*asOf), it.createdUs > *asOf ? DetailPane::tr(" — did not exist yet") : QString());
    }
    if (it.deletedUs) h += DetailPane::tr("<p style='color:#c62828'>Deleted %1</p>").arg(formatTime(*it.deletedUs));
    h += "<p style='font-size:large'>" + esc(it.text) + "</p><table>";
    h += row(DetailPane::tr("user"), esc(it.userId)) + row(DetailPane::tr("agent"), esc(it.agentId)) +
         row(DetailPane::tr("app"), esc(it.appId)) + row(DetailPane::tr("thread"), esc(it.threadId)) +
         row(DetailPane::tr("tier / namespace"), esc(it.tier)) + row(DetailPane::tr("scope"), esc(it.scope)) +
         row(DetailPane::tr("parent"), it.parentId.empty() ? QString() : link(it.parentId)) +
         row(DetailPane::tr("created"), formatTime(it.createdUs)) +
         row(DetailPane::tr("updated"), formatTime(it.updatedUs)) +
         row(DetailPane::tr("embedding"),
             it.embedding.empty() ? QString() : DetailPane::tr("%1 dimensions").arg(it.embedding.size()));
    return h + "</table>";
}

QString historySection(const AgentStore &store, const MemoryItem &it, std::optional<qint64> asOf) {
    auto hist = store.history(it.id);
    if (!hist.ok() || hist->empty()) return {};
    QString h = DetailPane::tr("<h4>History (%1)</h4><table cellspacing=2>").arg(hist->size());
    for (const MemoryEvent &e : hist.value()) {
        QString change;
        if (e.action == "update" && !e.oldText.empty()) {
            change = "<span style='color:#c62828;text-decoration:line-through'>" + esc(e.oldText) + "</span><br>" +
                     "<span style='color:#2e7d32'>" + esc(e.newText) + "</span>";
        } else if (!e.newText.empty()) {
            change = esc(e.newText.substr(0, 400));
        } else if (!e.oldText.empty()) {
            change = "<span style='color:#888'>" + esc(e.oldText.substr(0, 400)) + "</span>";
        }
        if (e.detailJson.size() > 2) {
            change += " <span style='color:#888'>" + esc(e.detailJson.substr(0, 200)) + "</span>";
        }
        // While time-travelling, what happened later is listed but set apart.
        const bool later = asOf && e.timeUs > *asOf;
        if (later) change = "<span style='color:#aaa'>" + change + DetailPane::tr(" (after this time)") + "</span>";
        h += QString("<tr><td style='color:#888'>%1</td><td style='color:%2'><b>%3</b></td><td>%4</td><td>%5</td></tr>")
                 .arg(formatTime(e.timeUs), later ? "#aaa" : actionColour(e.action), esc(e.action), esc(e.actorId),
                      change);
    }
    return h + "</table>";
}

QString relationsSection(const AgentStore &store, const MemoryItem &it, const Stale &stale) {
    auto rel = store.relations(200, it.id);
    if (!rel.ok() || rel->empty()) return {};
    QString h = DetailPane::tr("<h4>Relations (%1)</h4><ul>").arg(rel->size());
    for (const Relation &r : rel.value()) {
        if (stale()) return {}; // superseded: the page will be dropped, so stop looking the other ends up
        bool outgoing = r.src == it.id;
        const std::string &other = outgoing ? r.dst : r.src;
        // Name the other end by its text where it is an item (ids alone say little).
        QString what;
        if (auto target = store.item(other); target.ok() && !target->text.empty()) {
            what = " " + esc(target->text.substr(0, 120));
        }
        h += QString("<li>%1 <i>%2</i> %3%4</li>")
                 .arg(outgoing ? DetailPane::tr("→") : DetailPane::tr("←"),
                      esc(r.kind + (r.label.empty() ? "" : ": " + r.label)), link(other), what);
    }
    return h + "</ul>";
}

QString provenanceSection(const AgentStore &store, const MemoryItem &it) {
    auto prov = store.provenance(it.id);
    if (!prov.ok() || prov->empty()) return {};
    QString h = DetailPane::tr("<h4>Provenance</h4><ul>");
    for (const Provenance &p : prov.value()) {
        h += QString("<li><b>%1</b> %2 at %3 %4</li>")
                 .arg(esc(p.principalId), esc(p.role), formatTime(p.timeUs), esc(p.detail));
    }
    return h + "</ul>";
}

QString retrievalsSection(const AgentStore &store, const MemoryItem &it) {
    auto acc = store.accesses(it.id, 50);
    if (!acc.ok() || acc->empty()) return {};
    QString h = DetailPane::tr("<h4>Retrieved (%1 most recent)</h4><table>").arg(acc->size());
    for (const AccessRecord &a : acc.value()) {
        h += QString("<tr><td style='color:#888'>%1</td><td>%2</td><td>%3</td><td>“%4”</td><td>%5</td></tr>")
                 .arg(formatTime(a.timeUs), esc(a.principalId), esc(a.kind), esc(a.query),
                      a.score != 0 ? QString::number(a.score, 'f', 3) : QString());
    }
    return h + "</table>";
}

QString readersSection(const AgentStore &store, const MemoryItem &it, std::optional<qint64> asOf) {
    auto policies = store.policies();
    auto who = store.principals();
    if (!who.ok() || who->empty() || !policies.ok()) return {};
    QString h = DetailPane::tr("<h4>Who may read it%1</h4><table>")
                    .arg(asOf ? DetailPane::tr(" (at that time)") : QString());
    int shown = 0;
    for (const Principal &p : who.value()) {
        if (p.kind == "thread" || ++shown > 12) continue;
        const AccessDecision d = store.explainAccess(it, p.id, asOf, policies.value());
        h += QString("<tr><td>%1 <span style='color:#888'>%2</span></td><td style='color:%3'>%4</td><td>%5</td></tr>")
                 .arg(esc(p.name), esc(p.kind), d.visible ? "#2e7d32" : "#c62828",
                      d.visible ? DetailPane::tr("reads") : DetailPane::tr("hidden"), esc(d.reason));
    }
    return h + "</table>";
}

// The whole page for one item, as it was at `asOf` (now when unset).
QString itemPage(const AgentStore &store, const std::string &id, std::optional<qint64> asOf, const Stale &stale) {
    faultPoint("ui.inspect.detail");
    auto item = store.item(id, asOf);
    if (!item.ok()) return errorHtml(QString::fromStdString(item.message()));
    const MemoryItem &it = item.value();
    QString h = headerSection(it, asOf) + historySection(store, it, asOf) + relationsSection(store, it, stale) +
                provenanceSection(store, it) + retrievalsSection(store, it) + readersSection(store, it, asOf);
    if (it.metadataJson.size() > 2) h += DetailPane::tr("<h4>Metadata</h4><pre>") + pretty(it.metadataJson) + "</pre>";
    return h;
}

QString diffPage(const AgentStore &store, qint64 fromUs, qint64 toUs) {
    faultPoint("ui.inspect.diff");
    auto diff = store.diff(fromUs, toUs);
    if (!diff.ok()) return errorHtml(QString::fromStdString(diff.message()));
    const StoreDiff &d = diff.value();
    QString h = DetailPane::tr("<h3 style='margin:0'>Changes %1 → %2</h3><p>%3 added · %4 removed · %5 changed</p>")
                    .arg(formatTime(d.fromUs), formatTime(d.toUs))
                    .arg(d.added.size())
                    .arg(d.removed.size())
                    .arg(d.changed.size());
    auto list = [&](const char *title, const std::vector<MemoryItem> &items, const char *colour, bool changed) {
        if (items.empty()) return;
        h += QString("<h4 style='color:%1'>%2</h4><ul>").arg(colour, DetailPane::tr(title));
        for (const MemoryItem &it : items) {
            QString t = esc(it.text.substr(0, 300));
            if (changed) {
                t = "<span style='color:#c62828;text-decoration:line-through'>" + esc(it.metadataJson.substr(0, 300)) +
                    "</span> → " + t;
            }
            h += "<li>" + link(it.id) + ": " + t + "</li>";
        }
        h += "</ul>";
    };
    list("Added", d.added, "#2e7d32", false);
    list("Removed", d.removed, "#c62828", false);
    list("Changed", d.changed, "#1565c0", true);
    return h;
}

} // namespace

DetailPane::DetailPane(InspectSession &session, QWidget *parent) : QTextBrowser(parent), m_session(session) {
    setObjectName("inspectDetail");
    setOpenLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == "item") m_session.setCurrent(QUrl::fromPercentEncoding(url.path().toUtf8()));
    });
    showMessage(tr("<p style='color:#888'>Select an item to see its history, relations, provenance and who may read "
                   "it.</p>"));
}

void DetailPane::showMessage(const QString &html) {
    m_job.cancel(); // an item or diff still loading must not replace the message
    m_itemId.clear();
    setHtml(html);
}

void DetailPane::showItem(const QString &id) {
    std::shared_ptr<AgentStore> reader(id.isEmpty() ? nullptr : m_session.openReader());
    if (!reader) {
        showMessage({});
        return;
    }
    // The same item again (time travel, live tail) stays in view until it is re-read: no flicker while dragging.
    const bool sameItem = id == m_itemId;
    if (!sameItem) setHtml(tr("<p style='color:#888'>Loading %1…</p>").arg(id.toHtmlEscaped()));
    m_itemId = id;
    const std::optional<qint64> asOf = m_session.asOfUs();
    m_job.run([reader, item = id.toStdString(),
               asOf](const auto &stale) { return itemPage(*reader, item, asOf, stale); },
              [this, sameItem](QString &&html) { showLoaded(html, sameItem); },
              [this](const QString &message) { showError(message); });
}

void DetailPane::showDiff(qint64 fromUs, qint64 toUs) {
    std::shared_ptr<AgentStore> reader(m_session.openReader());
    if (!reader) return;
    m_itemId.clear();
    setHtml(tr("<p style='color:#888'>Comparing %1 with %2…</p>").arg(formatTime(fromUs), formatTime(toUs)));
    m_job.run([reader, fromUs, toUs](const auto &) { return diffPage(*reader, fromUs, toUs); },
              [this](QString &&html) { showLoaded(html, false); },
              [this](const QString &message) { showError(message); });
}

void DetailPane::showLoaded(const QString &html, bool keepScroll) {
    const int scrolled = verticalScrollBar()->value();
    setHtml(html);
    if (keepScroll) verticalScrollBar()->setValue(scrolled);
}

void DetailPane::showError(const QString &message) { setHtml(errorHtml(message)); }

} // namespace mnemo::ui
