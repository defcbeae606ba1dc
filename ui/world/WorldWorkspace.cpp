#include "WorldWorkspace.hpp"

#include "WorldSession.hpp"
#include "world/input/ControllerCapture.hpp"
#include "world/viewport/SoftwareViewport.hpp"
#include "world/viewport/VulkanViewport.hpp"

#include "mnemo/core/Clock.hpp"

#include <QTimer>
#include <QVBoxLayout>

namespace mnemo::ui {
namespace {
constexpr int kControllerTickMs = 16; // ~60 Hz, the rate world-model demos sample controllers at
} // namespace

WorldWorkspace::WorldWorkspace(WorldSession &session, QVulkanInstance *vulkan, const QString &whyNoVulkan,
                               QWidget *parent)
    : QWidget(parent), m_session(session), m_controller(new ControllerCapture(this)), m_tickTimer(new QTimer(this)) {
    setObjectName("worldWorkspace");
    createViewport(vulkan, whyNoVulkan);
    connect(m_tickTimer, &QTimer::timeout, this, &WorldWorkspace::sampleController);
    m_tickTimer->start(kControllerTickMs);
}

void WorldWorkspace::createViewport(QVulkanInstance *vulkan, const QString &whyNoVulkan) {
    ViewportFeed feed;
    feed.takeFrame = [this] { return m_session.takeFrame(); };
    feed.frameWaiting = [this] { return m_session.frameWaiting(); };
    feed.presented = [this](const world::WorldFramePtr &frame) { m_session.presented(frame); };
    feed.describe = [this] { return m_session.describe(); };
    feed.controller = m_controller;

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
}

WorldWorkspace::~WorldWorkspace() {
    // The viewport calls into the session while it draws: it goes first.
    delete m_viewportWidget;
    m_vulkanViewport = nullptr;
    m_softwareViewport = nullptr;
}

void WorldWorkspace::sampleController() {
    if (capturing()) m_session.submitController(m_controller->sample(mnemo::steadyNowUs()));
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
