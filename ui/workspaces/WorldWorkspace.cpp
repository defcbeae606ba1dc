#include "WorldWorkspace.hpp"

#include "../viewport/SoftwareViewport.hpp"
#include "../viewport/VulkanViewport.hpp"

#include "mnemo/render/TestPatternSource.hpp"

#include <QVBoxLayout>
#include <QVulkanInstance>

namespace mnemo::ui {
namespace {

// The overlay's description of the engine side; called on the UI thread once per drawn frame.
OverlayModel describeSource(const TestPatternSource &source) {
    OverlayModel model;
    switch (source.state()) {
    case TestPatternSource::State::Running: {
        const auto info = source.deviceInfo();
        model.engineDevice = info.name + " (" + info.type + ")";
        break;
    }
    case TestPatternSource::State::Failed: model.engineDevice = "unavailable: " + source.error(); break;
    default: model.engineDevice = "starting..."; break;
    }
    model.sourceDescription = "engine test pattern (Vulkan compute); world modules are not loaded yet";
    const auto stats = source.stats();
    model.sourceRenderMs = stats.lastRenderMs;
    model.sourceDropped = stats.framesDropped;
    return model;
}

} // namespace

WorldWorkspace::WorldWorkspace(QVulkanInstance *vulkan, const QString &whyNoVulkan, QWidget *parent)
    : QWidget(parent), m_source(std::make_unique<TestPatternSource>()) {
    setObjectName("worldWorkspace");
    ViewportFeed feed;
    feed.frames = &m_source->frames();
    TestPatternSource *source = m_source.get();
    feed.describe = [source] { return describeSource(*source); };

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    if (vulkan) {
        m_vulkanViewport = new VulkanViewport(vulkan, feed);
        m_viewportWidget = QWidget::createWindowContainer(m_vulkanViewport, this);
        m_viewportWidget->setFocusPolicy(Qt::ClickFocus);
        connect(m_vulkanViewport, &VulkanViewport::captureChanged, this, &WorldWorkspace::captureChanged);
        connect(m_vulkanViewport, &VulkanViewport::firstFramePresented, this, &WorldWorkspace::firstFramePresented);
    } else {
        m_softwareViewport = new SoftwareViewport(feed, whyNoVulkan, this);
        m_viewportWidget = m_softwareViewport;
        connect(m_softwareViewport, &SoftwareViewport::captureChanged, this, &WorldWorkspace::captureChanged);
        connect(m_softwareViewport, &SoftwareViewport::firstFramePresented, this,
                &WorldWorkspace::firstFramePresented);
    }
    m_viewportWidget->setObjectName("viewport");
    m_viewportWidget->setMinimumSize(320, 180);
    layout->addWidget(m_viewportWidget);

    m_source->start({});
}

WorldWorkspace::~WorldWorkspace() {
    // Stop the producer before the viewport that reads its mailbox goes away.
    m_source->stop();
}

bool WorldWorkspace::capturing() const {
    return m_vulkanViewport ? m_vulkanViewport->capturing() : m_softwareViewport->capturing();
}

uint64_t WorldWorkspace::presentedEngineFrames() const {
    return m_vulkanViewport ? m_vulkanViewport->presentedEngineFrames() : m_softwareViewport->presentedEngineFrames();
}

void WorldWorkspace::releaseControl() {
    if (m_vulkanViewport) m_vulkanViewport->setCapturing(false);
    if (m_softwareViewport) m_softwareViewport->setCapturing(false);
}

} // namespace mnemo::ui
