// Parameter moves recorded as keys: the "parameters over time" of an edit. While recording, a run-time parameter moved
// on a file source keys its value at the frame on screen (see edit::ParamKeys: held until the next key, the value
// before the first move restored before it). A move held over several frames (a slider dragged while the source
// plays) replaces what an earlier pass keyed between them, so a second pass over a loop overwrites the first.
// Keys live on the chain's links (so they follow reorders and removals); the camera path stays below them.
#include "edit/EditSession.hpp"

#include <QStringList>

namespace mnemo::ui {

namespace {

std::shared_ptr<const edit::ParamKeys> keysOf(const edit::ChainLink &link) {
    return std::dynamic_pointer_cast<const edit::ParamKeys>(link.automation);
}

} // namespace

std::shared_ptr<const edit::ParamAutomation> EditSession::automationOf(int link) const {
    if (link < 0 || link >= int(m_chain.size())) return nullptr;
    std::shared_ptr<const edit::ParamAutomation> camera;
    if (link == cameraLink() && !m_cameraPath->keyframes().empty()) camera = m_cameraPath;
    const auto keys = keysOf(m_chain[size_t(link)]);
    if (!keys || keys->keyCount() == 0) return camera;
    return keys->over(camera);
}

size_t EditSession::keyCount(int link) const {
    if (link < 0 || link >= int(m_chain.size())) return 0;
    const auto keys = keysOf(m_chain[size_t(link)]);
    return keys ? keys->keyCount() : 0;
}

QStringList EditSession::keyedParams(int link) const {
    QStringList names;
    if (link < 0 || link >= int(m_chain.size())) return names;
    if (const auto keys = keysOf(m_chain[size_t(link)])) {
        for (const auto &entry : keys->tracks()) names << QString::fromStdString(entry.first);
    }
    return names;
}

double EditSession::currentValue(int link, const std::string &name) const {
    const edit::ChainLink &spec = m_chain[size_t(link)];
    if (const auto set = spec.params.find(name); set != spec.params.end()) return set->second;
    if (const modules::LoadedModule *module = findModule(spec.moduleId)) {
        for (const modules::ModuleParam &param : module->params) {
            if (param.name == name) return param.defaultValue;
        }
    }
    return 0;
}

void EditSession::setRecordingKeys(bool on) {
    if (m_recordKeys == on) return;
    m_recordKeys = on;
    m_lastKeyFrame.clear(); // each recording pass starts afresh
    emit keysChanged();
}

// Only file sources have frames to key: a live source's frame numbers never come back.
void EditSession::recordKey(int link, const std::string &name, double value) {
    if (!m_player || isLive()) return;
    const uint64_t frame = m_view.stats.position;
    const auto last = m_lastKeyFrame.find({link, name});
    const uint64_t erasedFrom = last != m_lastKeyFrame.end() && last->second < frame ? last->second : frame;
    edit::ChainLink &spec = m_chain[size_t(link)];
    const auto keys = keysOf(spec);
    spec.automation = (keys ? keys : std::make_shared<const edit::ParamKeys>())
                          ->withKey(name, frame, value, currentValue(link, name), erasedFrom);
    m_lastKeyFrame[{link, name}] = frame;
    m_player->setAutomation(size_t(link), automationOf(link));
    emit keysChanged();
}

void EditSession::clearKeys(int link) {
    if (link < 0 || link >= int(m_chain.size()) || keyCount(link) == 0) return;
    m_chain[size_t(link)].automation.reset();
    std::erase_if(m_lastKeyFrame, [link](const auto &entry) { return entry.first.first == link; });
    if (m_player) {
        m_player->setAutomation(size_t(link), automationOf(link));
        // The keys set the link's values last: the link's own values (its sliders) rule again.
        for (const auto &[name, value] : m_chain[size_t(link)].params) m_player->setParam(size_t(link), name, value);
    }
    emit keysChanged();
}

} // namespace mnemo::ui
