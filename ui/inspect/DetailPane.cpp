#include "DetailPane.hpp"

#include "InspectSession.hpp"
#include "ItemTableModel.hpp"

#include <QJsonDocument>

namespace mnemo::ui {

using namespace agentmem;

namespace {

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

} // namespace

DetailPane::DetailPane(InspectSession &session, QWidget *parent) : QTextBrowser(parent), m_session(session) {
    setObjectName("inspectDetail");
    setOpenLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == "item") m_session.setCurrent(QUrl::fromPercentEncoding(url.path().toUtf8()));
    });
    showMessage(tr("<p style='color:#888'>Select an item to see its history, relations, provenance and who may read it.</p>"));
}

void DetailPane::showMessage(const QString &html) { setHtml(html); }

void DetailPane::showItem(const QString &id) {
    AgentStore *store = m_session.store();
    if (!store || id.isEmpty()) {
        showMessage({});
        return;
    }
    auto item = store->item(id.toStdString(), m_session.asOfUs());
    if (!item.ok()) {
        showMessage("<p style='color:#c62828'>" + esc(item.message()) + "</p>");
        return;
    }
    const MemoryItem &it = item.value();
    QString h;
    h += QString("<h3 style='margin:0'>%1 <span style='color:#888;font-weight:normal'>%2</span></h3>")
             .arg(esc(it.kind), esc(it.id));
    if (m_session.asOfUs()) {
        h += tr("<p style='color:#e65100'>As of %1%2</p>")
                 .arg(formatTime(*m_session.asOfUs()),
                      it.createdUs > *m_session.asOfUs() ? tr(" — did not exist yet") : QString());
    }
    if (it.deletedUs) h += tr("<p style='color:#c62828'>Deleted %1</p>").arg(formatTime(*it.deletedUs));
    h += "<p style='font-size:large'>" + esc(it.text) + "</p><table>";
    h += row(tr("user"), esc(it.userId)) + row(tr("agent"), esc(it.agentId)) + row(tr("app"), esc(it.appId)) +
         row(tr("thread"), esc(it.threadId)) + row(tr("tier / namespace"), esc(it.tier)) + row(tr("scope"), esc(it.scope)) +
         row(tr("parent"), it.parentId.empty() ? QString() : link(it.parentId)) + row(tr("created"), formatTime(it.createdUs)) +
         row(tr("updated"), formatTime(it.updatedUs)) +
         row(tr("embedding"), it.embedding.empty() ? QString() : tr("%1 dimensions").arg(it.embedding.size()));
    h += "</table>";

    if (auto hist = store->history(it.id); hist.ok() && !hist->empty()) {
        h += tr("<h4>History (%1)</h4><table cellspacing=2>").arg(hist->size());
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
            if (e.detailJson.size() > 2) change += " <span style='color:#888'>" + esc(e.detailJson.substr(0, 200)) + "</span>";
            // While time-travelling, what happened later is listed but set apart.
            const bool later = m_session.asOfUs() && e.timeUs > *m_session.asOfUs();
            if (later) change = "<span style='color:#aaa'>" + change + tr(" (after this time)") + "</span>";
            h += QString("<tr><td style='color:#888'>%1</td><td style='color:%2'><b>%3</b></td><td>%4</td><td>%5</td></tr>")
                     .arg(formatTime(e.timeUs), later ? "#aaa" : actionColour(e.action), esc(e.action), esc(e.actorId), change);
        }
        h += "</table>";
    }
    if (auto rel = store->relations(200, it.id); rel.ok() && !rel->empty()) {
        h += tr("<h4>Relations (%1)</h4><ul>").arg(rel->size());
        for (const Relation &r : rel.value()) {
            bool outgoing = r.src == it.id;
            const std::string &other = outgoing ? r.dst : r.src;
            // Name the other end by its text where it is an item (ids alone say little).
            QString what;
            if (auto target = store->item(other); target.ok() && !target->text.empty()) {
                what = " " + esc(target->text.substr(0, 120));
            }
            h += QString("<li>%1 <i>%2</i> %3%4</li>")
                     .arg(outgoing ? tr("→") : tr("←"), esc(r.kind + (r.label.empty() ? "" : ": " + r.label)),
                          link(other), what);
        }
        h += "</ul>";
    }
    if (auto prov = store->provenance(it.id); prov.ok() && !prov->empty()) {
        h += tr("<h4>Provenance</h4><ul>");
        for (const Provenance &p : prov.value()) {
            h += QString("<li><b>%1</b> %2 at %3 %4</li>")
                     .arg(esc(p.principalId), esc(p.role), formatTime(p.timeUs), esc(p.detail));
        }
        h += "</ul>";
    }
    if (auto acc = store->accesses(it.id, 50); acc.ok() && !acc->empty()) {
        h += tr("<h4>Retrieved (%1 most recent)</h4><table>").arg(acc->size());
        for (const AccessRecord &a : acc.value()) {
            h += QString("<tr><td style='color:#888'>%1</td><td>%2</td><td>%3</td><td>“%4”</td><td>%5</td></tr>")
                     .arg(formatTime(a.timeUs), esc(a.principalId), esc(a.kind), esc(a.query),
                          a.score != 0 ? QString::number(a.score, 'f', 3) : QString());
        }
        h += "</table>";
    }
    auto policies = store->policies();
    if (auto who = store->principals(); who.ok() && !who->empty() && policies.ok()) {
        h += tr("<h4>Who may read it%1</h4><table>").arg(m_session.asOfUs() ? tr(" (at that time)") : QString());
        int shown = 0;
        for (const Principal &p : who.value()) {
            if (p.kind == "thread" || ++shown > 12) continue;
            const AccessDecision d = store->explainAccess(it, p.id, m_session.asOfUs(), policies.value());
            h += QString("<tr><td>%1 <span style='color:#888'>%2</span></td><td style='color:%3'>%4</td><td>%5</td></tr>")
                     .arg(esc(p.name), esc(p.kind), d.visible ? "#2e7d32" : "#c62828",
                          d.visible ? tr("reads") : tr("hidden"), esc(d.reason));
        }
        h += "</table>";
    }
    if (it.metadataJson.size() > 2) h += tr("<h4>Metadata</h4><pre>") + pretty(it.metadataJson) + "</pre>";
    setHtml(h);
}

void DetailPane::showDiff(const StoreDiff &d) {
    QString h = tr("<h3 style='margin:0'>Changes %1 → %2</h3><p>%3 added · %4 removed · %5 changed</p>")
                    .arg(formatTime(d.fromUs), formatTime(d.toUs))
                    .arg(d.added.size())
                    .arg(d.removed.size())
                    .arg(d.changed.size());
    auto list = [&](const char *title, const std::vector<MemoryItem> &items, const char *colour, bool changed) {
        if (items.empty()) return;
        h += QString("<h4 style='color:%1'>%2</h4><ul>").arg(colour, tr(title));
        for (const MemoryItem &it : items) {
            QString t = esc(it.text.substr(0, 300));
            if (changed) t = "<span style='color:#c62828;text-decoration:line-through'>" + esc(it.metadataJson.substr(0, 300)) + "</span> → " + t;
            h += "<li>" + link(it.id) + ": " + t + "</li>";
        }
        h += "</ul>";
    };
    list("Added", d.added, "#2e7d32", false);
    list("Removed", d.removed, "#c62828", false);
    list("Changed", d.changed, "#1565c0", true);
    setHtml(h);
}

} // namespace mnemo::ui
