#include "edit/EditSession.hpp"

#include <QStringList>

#include "mnemo/core/Clock.hpp"
#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/session/SessionReplay.hpp"

#include <QDateTime>
#include <QFileInfo>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace mnemo::ui {

const QString EditSession::kWorldStream = QStringLiteral("World (live)");

EditSession::EditSession(QObject *parent)
    : QObject(parent), m_previewTimer(new QTimer(this)), m_publishTimer(new QTimer(this)),
      m_renderDone(std::make_shared<std::atomic<uint64_t>>(0)),
      m_renderExpected(std::make_shared<std::atomic<uint64_t>>(0)),
      m_renderCancel(std::make_shared<std::atomic<bool>>(false)) {
    qRegisterMetaType<mnemo::ui::EditView>();
    qRegisterMetaType<std::shared_ptr<const mnemo::edit::PreviewPair>>();
    connect(m_previewTimer, &QTimer::timeout, this, &EditSession::pollPreview);
    connect(m_publishTimer, &QTimer::timeout, this, &EditSession::publish);
    connect(&m_openWatcher, &QFutureWatcherBase::finished, this, &EditSession::onOpened);
    connect(&m_renderWatcher, &QFutureWatcherBase::finished, this, &EditSession::onRenderFinished);
    m_previewTimer->start(kPreviewPollMs);
    m_publishTimer->start(kPublishMs);
}

EditSession::~EditSession() {
    blockSignals(true);
    setStreamTarget(nullptr);
    m_renderCancel->store(true);
    m_openWatcher.waitForFinished();
    m_renderWatcher.waitForFinished();
}

void EditSession::setEnvironment(modules::ModuleEnvironment *env) {
    m_env = env;
    if (!m_env || !m_chain.empty()) return;
    // The default chain shows the workspace's point: a per-frame stylization that flickers, and the stabilizer that
    // removes the flicker (the consistency curve drops when it is on).
    for (const char *id : {"stylize", "temporal-stabilizer"}) {
        if (findModule(id)) m_chain.push_back({id, {}, false});
    }
    emit chainChanged();
}

std::vector<const modules::LoadedModule *> EditSession::editModules() const {
    std::vector<const modules::LoadedModule *> out;
    if (!m_env) return out;
    for (const auto &m : m_env->registry->loaded()) {
        if (m.kind == modules::ModuleKind::Edit) out.push_back(&m);
    }
    return out;
}

const modules::LoadedModule *EditSession::findModule(const std::string &id) const {
    return m_env ? m_env->registry->find(id) : nullptr;
}

void EditSession::pushLiveFrame(const std::shared_ptr<const Frame> &frame) {
    // pushLive never blocks (a drop-oldest queue), so holding the lock while it runs costs the World thread nothing,
    // and the UI thread cannot destroy the player under it.
    std::lock_guard lock(m_streamMutex);
    if (m_streamTarget) m_streamTarget->pushLive(frame);
}

void EditSession::setStreamTarget(edit::EditPlayer *player) {
    std::lock_guard lock(m_streamMutex);
    m_streamTarget = player;
}

// ---- sources ----

void EditSession::openSource(const QString &spec) { startOpening(spec); }

void EditSession::openWorldStream() { startOpening(kWorldStream); }

void EditSession::startOpening(const QString &spec) {
    if (!m_env) {
        m_view.problem = tr("The modules are still loading; try again in a moment.");
        return;
    }
    m_opening = spec;
    auto *env = m_env;
    edit::EditPlayerConfig config;
    config.source = spec == kWorldStream ? std::string() : spec.toStdString();
    config.chain = effectiveChain();
    config.loop = m_loop;
    config.makeDifference = m_makeDifference;
    config.gpu = m_gpuUse;
    config.restartFailedChain = m_restartFailedChain;
    m_openWatcher.setFuture(QtConcurrent::run([env, config, spec]() mutable {
        auto opened = std::make_shared<Opened>();
        opened->spec = spec;
        const Status status = guarded("opening " + spec.toStdString(), [&] {
            if (session::looksLikeSessionFolder(config.source)) { // a recorded World session: edit its video
                auto video = session::recordedVideo(config.source);
                if (!video.ok()) {
                    opened->error = video.message();
                    return;
                }
                config.source = video.value();
            }
            auto player = edit::EditPlayer::open(*env, config);
            if (player.ok()) opened->player = std::move(player.value());
            else opened->error = player.message();
        });
        if (!status.ok()) opened->error = status.message();
        return opened;
    }));
}

void EditSession::onOpened() {
    auto opened = m_openWatcher.future().result();
    if (opened->spec != m_opening) return; // a newer open is on its way
    if (!opened->player) {
        m_view.problem = QString::fromStdString(opened->error);
        log::error("edit", opened->error);
        publish();
        return;
    }
    setStreamTarget(nullptr); // before the old player goes
    m_player = std::move(opened->player);
    m_view = EditView{};
    m_view.source = opened->spec;
    m_recordsVersion = 0;
    m_player->setLoop(m_loop);
    if (m_view.source == kWorldStream) {
        m_player->setPlaying(true);
        setStreamTarget(m_player.get());
    }
    updateWorldStreamWish();
    log::info("edit", "editing " + opened->spec.toStdString());
    emit sourceChanged(m_view.source);
    publish();
}

void EditSession::setActive(bool active) {
    m_active = active;
    if (active && !m_player && m_opening.isEmpty() && m_env) openWorldStream();
    if (!active && m_player && !isLive()) m_player->setPlaying(false);
    updateWorldStreamWish();
}

void EditSession::updateWorldStreamWish() {
    const bool want = m_active && m_player && m_view.source == kWorldStream;
    if (want != m_worldStreamWanted) emit worldStreamWanted(m_worldStreamWanted = want);
}

// ---- transport ----

void EditSession::setPlaying(bool playing) {
    if (m_player) m_player->setPlaying(playing);
}

void EditSession::togglePlaying() { setPlaying(m_view.stats.state != edit::PlayerState::Playing); }

void EditSession::step(int frames) {
    if (m_player) m_player->step(frames);
}

void EditSession::seek(quint64 frame) {
    if (m_player) m_player->seekFrame(frame);
}

void EditSession::setLoop(bool loop) {
    m_loop = loop;
    if (m_player) m_player->setLoop(loop);
}

void EditSession::markIn() {
    m_view.inPoint = m_view.stats.position;
    if (m_view.outPoint && *m_view.outPoint < *m_view.inPoint) m_view.outPoint.reset();
    publish();
}

void EditSession::markOut() {
    m_view.outPoint = m_view.stats.position;
    if (m_view.inPoint && *m_view.inPoint > *m_view.outPoint) m_view.inPoint.reset();
    publish();
}

void EditSession::clearInOut() {
    m_view.inPoint.reset();
    m_view.outPoint.reset();
    publish();
}

// ---- the chain ----

std::vector<edit::ChainLink> EditSession::effectiveChain() const {
    std::vector<edit::ChainLink> out = m_chain;
    for (int i = 0; i < int(out.size()); ++i) out[size_t(i)].automation = automationOf(i);
    if (m_solo >= 0 && m_solo < int(out.size())) {
        for (int i = 0; i < int(out.size()); ++i) out[size_t(i)].bypass = i != m_solo;
    }
    return out;
}

void EditSession::chainEdited() {
    m_lastKeyFrame.clear(); // keyed by link index, which a reorder or removal changes
    if (m_player) m_player->setChain(effectiveChain());
    emit chainChanged();
}

void EditSession::addModule(const QString &id) {
    if (!findModule(id.toStdString())) return;
    m_chain.push_back({id.toStdString(), {}, false});
    chainEdited();
}

void EditSession::removeLink(int link) {
    if (link < 0 || link >= int(m_chain.size())) return;
    m_chain.erase(m_chain.begin() + link);
    if (m_solo == link) m_solo = -1;
    else if (m_solo > link) --m_solo;
    chainEdited();
}

void EditSession::moveLink(int link, int delta) {
    const int to = link + delta;
    if (link < 0 || link >= int(m_chain.size()) || to < 0 || to >= int(m_chain.size())) return;
    std::swap(m_chain[size_t(link)], m_chain[size_t(to)]);
    if (m_solo == link) m_solo = to;
    else if (m_solo == to) m_solo = link;
    chainEdited();
}

void EditSession::setBypass(int link, bool bypass) {
    if (link < 0 || link >= int(m_chain.size()) || m_chain[size_t(link)].bypass == bypass) return;
    m_chain[size_t(link)].bypass = bypass;
    chainEdited();
}

void EditSession::setSolo(int link) {
    m_solo = link >= 0 && link < int(m_chain.size()) ? link : -1;
    chainEdited();
}

// Run-time values go to the running chain from its next frame; load-time ones need new instances.
void EditSession::setParam(int link, const QString &name, double value, bool loadTime) {
    if (link < 0 || link >= int(m_chain.size())) return;
    if (m_recordKeys && !loadTime) recordKey(link, name.toStdString(), value);
    m_chain[size_t(link)].params[name.toStdString()] = value;
    if (loadTime) return chainEdited();
    if (m_player) m_player->setParam(size_t(link), name.toStdString(), value);
}

void EditSession::setTextParam(int link, const QString &name, const QString &text) {
    if (link < 0 || link >= int(m_chain.size())) return;
    m_chain[size_t(link)].textParams[name.toStdString()] = text.toStdString();
    chainEdited();
}

QStringList EditSession::isolatedModules() const {
    QStringList ids;
    if (!m_env) return ids;
    for (const edit::ChainLink &link : m_chain) {
        const QString id = QString::fromStdString(link.moduleId);
        if (m_env->host->isolation(link.moduleId).enabled && !ids.contains(id)) ids << id;
    }
    return ids;
}

void EditSession::setRestartFailedChain(bool restart) {
    m_restartFailedChain = restart;
    if (m_player) m_player->setRestartFailedChain(restart);
}

void EditSession::setGpuUse(edit::GpuUse use) {
    m_gpuUse = use;
    if (m_player) m_player->setGpuUse(use);
}

void EditSession::setMakeDifference(bool on) {
    m_makeDifference = on;
    if (m_player) m_player->setMakeDifference(on);
}

// ---- publishing ----

void EditSession::pollPreview() {
    if (!m_player) return;
    auto pair = m_player->takePreview();
    if (!pair) return;
    // Input to preview, as World measures input to display: from when the source frame was handed out (for the
    // World stream, the controller input that drove it) to its edit reaching the screen's widget.
    const double ms = double(steadyNowUs() - pair->source->inputUs) / 1000.0;
    if (pair->source->inputUs > 0 && ms >= 0) {
        m_view.previewLatencyMs = m_view.previewLatencyMs > 0 ? 0.9 * m_view.previewLatencyMs + 0.1 * ms : ms;
    }
    emit previewChanged(std::move(pair));
}

void EditSession::publish() {
    if (m_player) {
        m_view.stats = m_player->stats();
        if (m_view.stats.recordsVersion != m_recordsVersion) {
            m_recordsVersion = m_view.stats.recordsVersion;
            m_view.records = std::make_shared<const edit::FrameRecords>(m_player->records());
        }
    }
    EditRenderState &r = m_view.render;
    if (r.running) {
        r.done = m_renderDone->load();
        r.expected = m_renderExpected->load();
        const double elapsedS = double(QDateTime::currentMSecsSinceEpoch() - m_renderStartMs) / 1000.0;
        r.etaS = r.done > 0 && r.expected > r.done ? elapsedS * double(r.expected - r.done) / double(r.done) : 0;
    }
    emit viewChanged(m_view);
}

} // namespace mnemo::ui
