#pragma once
// The remote protocol's messages (docs/remote-protocol.md), shared by the client (RemoteCalls.cpp) and the server
// (RemoteServer.cpp): module descriptions, cameras, ticks and memory picks as JSON; frames as binary messages,
// [u32 little-endian header length][JSON header][raw bytes]. Parsing never throws past these functions: a malformed
// message is a false or an error naming what was wrong.

#include "mnemo/modules/ModuleRegistry.hpp"

#include <mnemo/module.h>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace mnemo::modules::remote {

using nlohmann::json;

constexpr size_t kMaxMessageBytes = 256u << 20; // a frame message of 8K RGBA fits; more is refused

std::string targetFor(int version);                 // "/mnemo/v1"
int versionOfTarget(const std::string &target);    // 0 when the target is not /mnemo/vN

json moduleJson(const LoadedModule &module);
Result<LoadedModule> moduleFromJson(const json &j, const std::string &where);

json cameraJson(const mnemo_camera &c);
bool cameraFromJson(const json &j, mnemo_camera &c);

// A binary message: header, then `count` frames of `frameBytes` each, back to back.
std::string packBinary(const json &header, const uint8_t *const *frames, size_t count, size_t frameBytes);
// Splits one; false when it is too short, its header is not a JSON object, or the sizes disagree.
bool unpackBinary(std::string_view message, json &header, std::string_view &payload);

// Parses text as JSON without throwing; false (and `why`) for malformed text.
bool parseJson(std::string_view text, json &out, std::string &why);

} // namespace mnemo::modules::remote
