#include "mnemo/edit/ParamKeys.hpp"

namespace mnemo::edit {

ParamKeys::ParamKeys(Tracks tracks, std::shared_ptr<const ParamAutomation> under)
    : m_tracks(std::move(tracks)), m_under(std::move(under)) {}

modules::ParamValues ParamKeys::at(uint64_t frame) const {
    modules::ParamValues values = m_under ? m_under->at(frame) : modules::ParamValues{};
    for (const auto &[name, track] : m_tracks) {
        const auto next = track.keys.upper_bound(frame); // the first key after `frame`
        values[name] = next == track.keys.begin() ? track.base : std::prev(next)->second;
    }
    return values;
}

size_t ParamKeys::keyCount() const {
    size_t count = 0;
    for (const auto &entry : m_tracks) count += entry.second.keys.size();
    return count;
}

std::shared_ptr<const ParamKeys> ParamKeys::withKey(const std::string &name, uint64_t frame, double value,
                                                    double base, uint64_t erasedFrom) const {
    Tracks tracks = m_tracks;
    auto [track, added] = tracks.try_emplace(name);
    if (added) track->second.base = base;
    auto &keys = track->second.keys;
    if (erasedFrom < frame) keys.erase(keys.upper_bound(erasedFrom), keys.lower_bound(frame));
    keys[frame] = value;
    return std::make_shared<const ParamKeys>(std::move(tracks), m_under);
}

std::shared_ptr<const ParamKeys> ParamKeys::without(const std::string &name) const {
    Tracks tracks = m_tracks;
    tracks.erase(name);
    return std::make_shared<const ParamKeys>(std::move(tracks), m_under);
}

std::shared_ptr<const ParamKeys> ParamKeys::over(std::shared_ptr<const ParamAutomation> under) const {
    return std::make_shared<const ParamKeys>(m_tracks, std::move(under));
}

} // namespace mnemo::edit
