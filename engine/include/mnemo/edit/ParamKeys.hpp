#pragma once
// Parameter moves recorded as keys, the "parameters over time" of an edit: while the Edit workspace records, each
// slider move on a playing source keys the value at the frame on screen. A keyed parameter holds a key's value until
// the next key (what was seen live when it was recorded) and has its base value (the one before the first move)
// before its first key, so a seek backwards restores it. Layered over another automation (a virtual-camera link's
// camera path), whose values keyed names override. Immutable once shared: changes make a new one.

#include "mnemo/edit/ParamAutomation.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace mnemo::edit {

struct ParamTrack {
    double base = 0;                   // before the first key
    std::map<uint64_t, double> keys;   // frame -> value, held until the next key
    bool operator==(const ParamTrack &) const = default;
};

class ParamKeys final : public ParamAutomation {
public:
    using Tracks = std::map<std::string, ParamTrack>;
    explicit ParamKeys(Tracks tracks = {}, std::shared_ptr<const ParamAutomation> under = nullptr);

    modules::ParamValues at(uint64_t frame) const override;

    const Tracks &tracks() const { return m_tracks; }
    const std::shared_ptr<const ParamAutomation> &under() const { return m_under; }
    size_t keyCount() const;

    // A copy with `value` keyed for `name` at `frame`. `base` is the name's value before it was first keyed (ignored
    // once it has keys). Keys of that name after `erasedFrom` and before `frame` go: a move held across frames replaces
    // what an earlier pass keyed there (erasedFrom >= frame: none go).
    std::shared_ptr<const ParamKeys> withKey(const std::string &name, uint64_t frame, double value, double base,
                                             uint64_t erasedFrom) const;
    std::shared_ptr<const ParamKeys> without(const std::string &name) const;                  // all keys of a name
    std::shared_ptr<const ParamKeys> over(std::shared_ptr<const ParamAutomation> under) const; // another layer below

private:
    Tracks m_tracks;
    std::shared_ptr<const ParamAutomation> m_under;
};

} // namespace mnemo::edit
