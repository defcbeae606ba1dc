#include "MemoryPanel.hpp"

#include "WorldSession.hpp"

#include "MemoryMapView.hpp"
#include "MemoryTimelineView.hpp"

#include <QHBoxLayout>
#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace mnemo::ui {

namespace {

QString formatBytes(double bytes) {
    const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 4)
        bytes /= 1024.0, ++u;
    const bool whole = std::abs(bytes - std::round(bytes)) < 0.05 || bytes >= 100.0;
    return QString::number(bytes, 'f', whole ? 0 : 1) + " " + units[u];
}

} // namespace

MemoryPanel::MemoryPanel(QWidget *parent)
    : QDockWidget(tr("Memory"), parent), m_map(new MemoryMapView), m_timeline(new MemoryTimelineView),
      m_occupancy(new QLabel), m_budget(new QProgressBar), m_retrieval(new QLabel) {
    setObjectName("memoryPanel");
    auto *body = new QWidget(this);
    auto *layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    // Two rows, and labels that never ask for width: their text changes every step, and a label that grew would
    // widen the whole dock area and squeeze the viewport (the full text is in the tooltip).
    auto *gauges = new QGridLayout;
    m_occupancy->setObjectName("memoryOccupancy");
    m_retrieval->setObjectName("memoryRetrieval");
    m_budget->setObjectName("memoryBudget");
    m_budget->setRange(0, 100);
    m_budget->setTextVisible(true);
    m_budget->setMinimumWidth(60);
    for (QLabel *l : {m_occupancy, m_retrieval}) {
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
        l->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        l->setMinimumWidth(40);
    }
    // One gauge per row: side by side, a narrow dock clipped the entry count and the budget text.
    gauges->addWidget(m_occupancy, 0, 0);
    gauges->addWidget(m_budget, 1, 0);
    gauges->addWidget(m_retrieval, 2, 0);
    layout->addLayout(gauges);
    // The map gets the room; the timeline keeps a readable height when the dock is short.
    auto *split = new QSplitter(Qt::Vertical, body);
    split->setObjectName("memorySplit");
    split->addWidget(m_map);
    split->addWidget(m_timeline);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    layout->addWidget(split, 1);
    setWidget(body);
    connect(m_map, &MemoryMapView::entryActivated, this, &MemoryPanel::onMapEntry);
    connect(m_timeline, &MemoryTimelineView::entryClicked, this, &MemoryPanel::onTimelineEntry);
    updateGauges();
}

void MemoryPanel::setSnapshot(std::shared_ptr<const memory::MemorySnapshot> snapshot) {
    m_snapshot = snapshot;
    m_map->setSnapshot(snapshot);
    m_timeline->setSnapshot(std::move(snapshot));
    updateGauges();
}

void MemoryPanel::setView(const WorldView &view) {
    // The session publishes ten times a second; the snapshot changes only when the engine stepped.
    if (view.memory && view.memory != m_snapshot) setSnapshot(view.memory);
    m_map->setDisplayedCamera(view.displayedCamera); // where the user is: the frame on screen

}

void MemoryPanel::onMapEntry(quint64 entryId) {
    m_timeline->jumpTo(entryId);
    emit entryActivated(entryId);
}

void MemoryPanel::onTimelineEntry(quint64 entryId) {
    m_map->setSelectedEntry(entryId);
    emit entryActivated(entryId);
}

void MemoryPanel::updateGauges() {
    if (!m_snapshot) {
        m_occupancy->setText(tr("No memory yet")); // the map says where to go
        m_budget->setValue(0);
        m_budget->setFormat(tr("no entries"));
        m_retrieval->clear();
        return;
    }
    const auto &s = *m_snapshot;
    size_t read = 0;
    for (const auto &e : s.entries)
        read += e.readCount > 0;
    m_occupancy->setText(tr("%1 entries (%2 read), %3 evicted").arg(s.entries.size()).arg(read).arg(s.evicted));
    const double budget = double(s.byteBudget), fraction = budget > 0 ? double(s.bytes) / budget : 0.0;
    const QString policy = QString::fromUtf8(memory::evictionPolicyName(s.policy));
    m_budget->setValue(std::clamp(int(std::lround(fraction * 100)), 0, 100));
    QString text = tr("%1 of %2 (%3%, %4)")
                       .arg(formatBytes(double(s.bytes)), formatBytes(budget))
                       .arg(qRound(fraction * 100))
                       .arg(policy);
    const bool over = s.policy == memory::EvictionPolicy::KeepAll && s.bytes > s.byteBudget;
    if (over)
        text = tr("%1 of %2: over budget (policy keeps all)").arg(formatBytes(double(s.bytes)), formatBytes(budget));
    m_budget->setFormat(text); // no %p/%v/%m in it: the bar would expand them
    QPalette pal = m_budget->palette();
    pal.setColor(QPalette::Highlight, over ? QColor(214, 80, 64) : palette().color(QPalette::Highlight));
    m_budget->setPalette(pal);
    const auto &r = s.lastRetrieval;
    m_retrieval->setText(tr("%1 %2 ms · %4 of %3 candidates · %5 points")
                             .arg(QString::fromUtf8(memory::retrievalAlgorithmName(s.retrievalParams.algorithm)))
                             .arg(r.elapsedMs, 0, 'f', 2)
                             .arg(r.candidates)
                             .arg(r.picks.size())
                             .arg(r.queryPoints.size()));
    m_occupancy->setToolTip(m_occupancy->text());
    m_retrieval->setToolTip(m_retrieval->text());
    m_budget->setToolTip(text);
}

} // namespace mnemo::ui
