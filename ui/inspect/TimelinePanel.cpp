#include "TimelinePanel.hpp"

#include "InspectSession.hpp"
#include "ItemTableModel.hpp"
#include "inspect/widgets/TimelineView.hpp"

#include "mnemo/core/Guard.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace mnemo::ui {

using namespace agentmem;

namespace {
const QStringList kLanes = {"add", "update", "delete", "access", "checkpoint", "write", "state", "other"};
}

struct TimelinePanel::Loaded {
    std::vector<TimelineEvent> events;
    std::vector<std::string> itemIds; // by payload
    QString error;
};

TimelinePanel::TimelinePanel(InspectSession &session, QWidget *parent) : QWidget(parent), m_session(session) {
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    m_label = new QLabel(this);
    m_label->setObjectName("timelineLabel");
    bar->addWidget(m_label, 1);
    m_now = new QPushButton(tr("Now (live)"), this);
    m_now->setObjectName("timelineNow");
    m_now->setToolTip(tr("Leave time travel: show the store as it is now and follow new events"));
    bar->addWidget(m_now);
    layout->addLayout(bar);
    m_view = new TimelineView(this);
    m_view->setObjectName("inspectTimeline");
    m_view->setLanes(kLanes, {QColor("#2e7d32"), QColor("#1565c0"), QColor("#c62828"), QColor("#8e24aa"),
                              QColor("#ef6c00"), QColor("#6d4c41"), QColor("#00838f"), QColor("#757575")});
    m_view->setMinimumHeight(140);
    layout->addWidget(m_view, 1);

    connect(m_now, &QPushButton::clicked, this, [this] {
        m_live = true;
        m_view->setFollowLatest(true);
        m_view->setCompareUs(std::nullopt);
        m_session.setAsOf(std::nullopt);
        updateLabel();
    });
    connect(m_view, &TimelineView::cursorChanged, this, [this](qint64 us) {
        // At or past the newest event the store looks as it does now: stay live.
        const bool atEnd = m_data && !m_data->events.empty() && us >= m_data->events.back().timeUs;
        m_live = atEnd;
        m_session.setAsOf(atEnd ? std::nullopt : std::optional<qint64>(us));
        updateLabel();
        if (auto other = m_view->compareUs()) emit diffRequested(std::min(us, *other), std::max(us, *other));
    });
    connect(m_view, &TimelineView::compareChanged, this, [this](std::optional<qint64> us) {
        updateLabel();
        if (us) emit diffRequested(std::min(*us, m_view->cursorUs()), std::max(*us, m_view->cursorUs()));
    });
    connect(m_view, &TimelineView::followLatestChanged, this, [this](bool on) { m_live = on; });
    connect(m_view, &TimelineView::eventClicked, this, [this](quint32 payload) {
        if (m_data && payload < m_data->itemIds.size()) m_session.setCurrent(QString::fromStdString(m_data->itemIds[payload]));
    });
    updateLabel();
}

// Busy until the result is applied and indexed, not just read.
bool TimelinePanel::isBusy() const { return m_job.busy() || m_view->isBusy(); }

void TimelinePanel::reload() {
    auto reader = std::shared_ptr<AgentStore>(m_session.openReader());
    if (!reader) {
        m_job.cancel(); // a read still running belongs to the store that was open before
        m_view->setEvents({});
        return;
    }
    // A throw mid-read would leave half the events: none are shown, and the label says why (updateLabel).
    m_job.run([reader](const auto &) { return read(*reader); }, [this](Loaded &&loaded) { apply(std::move(loaded)); },
              [this](const QString &message) { apply(Loaded{{}, {}, message}); });
}

TimelinePanel::Loaded TimelinePanel::read(const AgentStore &reader) {
    faultPoint("ui.inspect.timeline");
    Loaded loaded;
    auto events = reader.eventMarks(kMaxEvents);
    if (!events.ok()) {
        loaded.error = QString::fromStdString(events.message());
        return loaded;
    }
    loaded.events.reserve(events->size());
    for (const EventMark &e : events.value()) {
        int lane = int(kLanes.indexOf(QString::fromStdString(e.action)));
        if (lane < 0) lane = int(kLanes.size()) - 1;
        if (e.timeUs <= 0) continue; // no time recorded: cannot be placed
        loaded.events.push_back({e.timeUs, quint16(lane), quint32(loaded.itemIds.size())});
        loaded.itemIds.push_back(e.itemId);
    }
    return loaded;
}

void TimelinePanel::apply(Loaded &&loaded) {
    m_data = std::make_shared<Loaded>(std::move(loaded));
    m_view->setFollowLatest(m_live);
    m_view->setEvents(m_data->events); // a copy: clicks and the cursor still look events up here
    updateLabel();
}

void TimelinePanel::updateLabel() {
    QString text;
    if (m_data && !m_data->error.isEmpty()) {
        text = tr("<span style='color:#c62828'>Cannot read the events: %1</span>").arg(m_data->error.toHtmlEscaped());
    } else if (!m_session.asOfUs()) {
        text = tr("<b>Now</b> · %1 events · click or drag on the timeline to travel back; Shift+click to compare two times")
                   .arg(m_view->eventCount());
    } else {
        text = tr("<b style='color:#e65100'>As of %1</b>").arg(formatTime(*m_session.asOfUs()));
        if (auto other = m_view->compareUs()) text += tr(" · comparing with %1 (Esc clears)").arg(formatTime(*other));
        else text += tr(" · Shift+click another time to see what changed");
    }
    m_label->setText(text);
}

} // namespace mnemo::ui
