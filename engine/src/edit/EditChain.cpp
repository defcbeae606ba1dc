#include "EditChainLink.hpp"
#include "GpuStage.hpp"

#include <chrono>
#include <cstdlib>
#include <optional>
#include <sstream>

namespace mnemo::edit {

namespace {

std::vector<std::string> split(const std::string &text, char separator) {
    std::vector<std::string> parts;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, separator);) {
        if (!part.empty()) parts.push_back(part);
    }
    return parts;
}

// The whole text as a number (strtod's spellings: "0.5", "+1", "1e-3"), or nothing.
std::optional<double> readNumber(const std::string &text) {
    char *end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') return std::nullopt;
    return value;
}

// "module.name=value" into the link of that module: its spelling always, and the number too when it reads as one
// (which one the parameter takes is decided by EditChain::create, which knows the module's types).
Status applyParam(std::vector<ChainLink> &links, const std::string &param) {
    const size_t dot = param.find('.'), eq = param.find('=');
    if (dot == std::string::npos || eq == std::string::npos || dot > eq) {
        return {StatusCode::InvalidArgument, "parameter '" + param + "' must read MODULE.NAME=VALUE"};
    }
    const std::string module = param.substr(0, dot), name = param.substr(dot + 1, eq - dot - 1);
    const std::string text = param.substr(eq + 1);
    for (ChainLink &link : links) {
        if (link.moduleId == module) {
            link.textParams[name] = text;
            if (const auto number = readNumber(text)) {
                link.params[name] = *number;
            } else {
                link.params.erase(name); // a later --param of the same name wins, whichever kind it is
            }
            return {};
        }
    }
    return {StatusCode::InvalidArgument, "parameter '" + param + "' names module '" + module + "', not in the chain"};
}

// One link's values sorted by the module's declared types: numbers for create, texts for set_param_text.
struct TypedParams {
    modules::ParamValues numbers;
    std::map<std::string, std::string> texts;
};

const modules::ModuleParam *findParam(const modules::LoadedModule &module, const std::string &name) {
    for (const auto &p : module.params) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

// The rules of ChainLink::textParams. Numbers the module does not declare still go to create, as before: the module
// names what it lacks.
Result<TypedParams> typeParams(const modules::LoadedModule &module, const ChainLink &spec) {
    TypedParams typed;
    for (const auto &[name, value] : spec.params) {
        const modules::ModuleParam *declared = findParam(module, name);
        if (!declared || declared->type != modules::ParamType::Text) {
            typed.numbers[name] = value;
        } else if (!spec.textParams.contains(name)) {
            return Status(StatusCode::InvalidArgument,
                          "parameter '" + module.id + "." + name + "' takes text, not a number");
        }
    }
    for (const auto &[name, text] : spec.textParams) {
        const modules::ModuleParam *declared = findParam(module, name);
        if (declared && declared->type == modules::ParamType::Text) {
            typed.texts[name] = text;
        } else if (!spec.params.contains(name)) { // else: the number read from this spelling, already in
            const auto number = readNumber(text);
            if (!declared && !number) {
                return Status(StatusCode::InvalidArgument,
                              "module '" + module.id + "' has no parameter '" + name + "'");
            }
            if (!number) {
                return Status(StatusCode::InvalidArgument,
                              "parameter '" + module.id + "." + name + "': '" + text + "' is not a number");
            }
            typed.numbers[name] = *number;
        }
    }
    return typed;
}

double msSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Sets the automation's values at `frame` that differ from `current` (the link's values as last set, which it
// updates), so a path holding still costs no module call.
Status applyAutomation(modules::ModuleInstance &instance, const ParamAutomation &automation, uint64_t frame,
                       modules::ParamValues &current) {
    for (const auto &[name, value] : automation.at(frame)) {
        const auto known = current.find(name);
        if (known != current.end() && known->second == value) continue;
        if (Status s = instance.setParam(name, value); !s.ok()) {
            return s.withContext("the automation of '" + instance.module().id + "' at frame " + std::to_string(frame));
        }
        current[name] = value;
    }
    return {};
}

} // namespace

Result<std::vector<ChainLink>> parseChain(const std::string &modules, const std::vector<std::string> &params) {
    std::vector<ChainLink> links;
    for (const std::string &id : split(modules, ','))
        links.push_back({id, {}, false});
    if (links.empty()) return Status(StatusCode::InvalidArgument, "the chain names no module");
    for (const std::string &param : params) {
        if (Status s = applyParam(links, param); !s.ok()) return s;
    }
    return links;
}

EditChain::EditChain(uint32_t width, uint32_t height)
    : m_width(width), m_height(height), m_outWidth(width), m_outHeight(height) {}
EditChain::~EditChain() = default;

Result<std::unique_ptr<EditChain>> EditChain::create(modules::ModuleEnvironment &env,
                                                     const std::vector<ChainLink> &links, uint32_t width,
                                                     uint32_t height, uint64_t seed, GpuUse gpu) {
    return create(*env.registry, links, width, height, seed, gpu);
}

Result<std::unique_ptr<EditChain>> EditChain::create(modules::ModuleRegistry &registry,
                                                     const std::vector<ChainLink> &links, uint32_t width,
                                                     uint32_t height, uint64_t seed, GpuUse gpu) {
    std::unique_ptr<EditChain> chain(new EditChain(width, height));
    for (const ChainLink &spec : links) {
        const modules::LoadedModule *module = registry.find(spec.moduleId);
        if (!module) return Status(StatusCode::NotFound, "edit module '" + spec.moduleId + "' is not loaded");
        if (module->kind != modules::ModuleKind::Edit) {
            return Status(StatusCode::InvalidArgument, "module '" + spec.moduleId + "' is not an edit module");
        }
        auto typed = typeParams(*module, spec);
        if (!typed.ok()) return typed.status();
        if (module->wantsSourceFlow && !spec.bypass && chain->m_framesPerInput > 1) {
            return Status(StatusCode::InvalidArgument,
                          "module '" + spec.moduleId +
                              "' follows the source's motion, so it needs the source's frames, not frames made "
                              "between them: put it before the link that interpolates");
        }
        if (module->wantsSourceFlow && !spec.bypass && (chain->m_outWidth != width || chain->m_outHeight != height)) {
            return Status(StatusCode::InvalidArgument, "module '" + spec.moduleId +
                                                           "' follows the source's motion, so it needs frames of the "
                                                           "source's size (" +
                                                           std::to_string(width) + "x" + std::to_string(height) +
                                                           "), not " + std::to_string(chain->m_outWidth) + "x" +
                                                           std::to_string(chain->m_outHeight) +
                                                           ": put it before the link that resizes");
        }
        auto instance =
            modules::ModuleInstance::create(*module, registry.host(), chain->m_outWidth, chain->m_outHeight,
                                            typed->numbers);
        if (!instance.ok()) return instance.status();
        // Texts between create and reset (see ChainLink::textParams): create's arguments carry numbers only.
        for (const auto &[name, text] : typed->texts) {
            if (Status s = instance.value()->setParamText(name, text); !s.ok()) return s;
        }
        if (Status s = instance.value()->reset(seed); !s.ok()) return s;
        auto link = std::make_unique<Link>();
        link->spec = spec;
        link->instance = std::move(instance.value());
        link->chunk = std::max(1u, module->chunkFrames);
        link->stats.moduleId = spec.moduleId;
        if (!spec.bypass) { // a bypassed link passes its input on: the next link gets that size
            chain->m_outWidth = link->instance->outputWidth();
            chain->m_outHeight = link->instance->outputHeight();
            chain->m_framesPerInput *= link->instance->framesPerInput();
            if (chain->m_framesPerInput > kMaxFramesPerInput) {
                return Status(StatusCode::InvalidArgument,
                              "the chain's interpolators make " + std::to_string(chain->m_framesPerInput) +
                                  " frames per source frame; at most " + std::to_string(kMaxFramesPerInput));
            }
        }
        chain->m_needsFlow = chain->m_needsFlow || (module->wantsSourceFlow && !spec.bypass);
        chain->m_links.push_back(std::move(link));
    }
    if (chain->m_needsFlow) chain->m_flow = std::make_unique<metrics::FlowEstimator>();
    chain->chooseGpu(registry.host().vulkan(), gpu);
    return chain;
}

Status EditChain::automate(Link &link, uint64_t frame) {
    if (!link.spec.automation) return {};
    return applyAutomation(*link.instance, *link.spec.automation, frame, link.spec.params);
}

Status EditChain::rememberSource(const FramePtr &frame) {
    SourceRecord record{frame, {}};
    if (m_previousSource) {
        auto flow = m_flow->backward(*m_previousSource, *frame);
        if (!flow.ok()) return flow.status();
        record.flow = std::move(flow.value());
    }
    m_previousSource = frame;
    m_sources[frame->index] = std::move(record);
    return {};
}

// Frames out of the last link need their source no more (frames leave the chain in order).
void EditChain::forgetSourcesUpTo(const std::vector<FramePtr> &done) {
    if (done.empty()) return;
    m_sources.erase(m_sources.begin(), m_sources.upper_bound(done.back()->index));
}

Result<std::vector<FramePtr>> EditChain::push(FramePtr frame) {
    if (!frame || frame->width != m_width || frame->height != m_height) {
        return Status(
            StatusCode::InvalidArgument,
            "the chain was made for " + std::to_string(m_width) + "x" + std::to_string(m_height) + " frames, not " +
                (frame ? std::to_string(frame->width) + "x" + std::to_string(frame->height) : std::string("none")));
    }
    if (m_needsFlow) {
        if (Status s = rememberSource(frame); !s.ok()) return s;
    }
    ++m_framesPushed;
    if (m_gpu) {
        auto edited = runMixed(frame);
        m_sources.erase(frame->index);
        if (!edited.ok()) return edited.status();
        return std::vector<FramePtr>{edited.value()};
    }
    auto done = feed(0, {std::move(frame)}, false);
    if (done.ok()) forgetSourcesUpTo(done.value());
    return done;
}

Result<std::vector<FramePtr>> EditChain::flush() {
    auto done = feed(0, {}, true);
    m_sources.clear();
    m_previousSource.reset(); // the next push starts a new stream
    return done;
}

// Hands `frames` to link `index` and what it finishes to the next link; flushing drains each link in turn.
Result<std::vector<FramePtr>> EditChain::feed(size_t index, std::vector<FramePtr> frames, bool flushing) {
    if (index == m_links.size()) return frames;
    Link &link = *m_links[index];
    std::vector<FramePtr> done;
    for (FramePtr &frame : frames) {
        if (link.spec.bypass) {
            done.push_back(std::move(frame));
            continue;
        }
        link.held.push_back(std::move(frame));
        if (link.held.size() < link.chunk) continue;
        auto out = process(link, link.chunk);
        if (!out.ok()) return out.status();
        done.insert(done.end(), out->begin(), out->end());
    }
    if (flushing && !link.held.empty()) {
        const size_t real = link.held.size();
        while (link.held.size() < link.chunk)
            link.held.push_back(link.held.back());
        auto out = process(link, real);
        if (!out.ok()) return out.status();
        done.insert(done.end(), out->begin(), out->end());
    }
    return feed(index + 1, std::move(done), flushing);
}

// One edit_process call on the held chunk; the outputs of the first `realFrames` inputs are kept. An interpolating
// link writes N outputs per input: each keeps its input's index and says which part of the step to it it shows
// (Frame::part of parts; nested interpolators multiply the parts).
Result<std::vector<FramePtr>> EditChain::process(Link &link, size_t realFrames) {
    const uint32_t n = link.instance->framesPerInput();
    std::vector<const Frame *> inputs;
    std::vector<std::shared_ptr<Frame>> outputs;
    std::vector<Frame *> raw;
    for (const FramePtr &in : link.held) {
        inputs.push_back(in.get());
        for (uint32_t k = 0; k < n; ++k) {
            auto out = std::make_shared<Frame>();
            out->width = link.instance->outputWidth();
            out->height = link.instance->outputHeight();
            out->rgba.resize(size_t(out->width) * out->height * 4);
            out->index = in->index;
            out->inputUs = in->inputUs;
            out->producedUs = in->producedUs; // the source's stamps travel with its edits (a recording keeps them)
            out->renderMs = in->renderMs;
            out->parts = in->parts * n;
            out->part = in->part * n + k;
            raw.push_back(out.get());
            outputs.push_back(std::move(out));
        }
    }
    modules::ModuleInstance::EditSource source;
    if (link.instance->module().wantsSourceFlow) {
        for (const FramePtr &in : link.held) {
            const auto found = m_sources.find(in->index);
            if (found == m_sources.end())
                return Status(StatusCode::Internal, "no source frame for frame " + std::to_string(in->index));
            source.frames.push_back(found->second.frame.get());
            source.flows.push_back(&found->second.flow);
        }
    }
    if (Status s = automate(link, link.held.front()->index); !s.ok()) return s;
    const auto start = std::chrono::steady_clock::now();
    if (Status s = link.instance->editProcess(inputs, raw, &source); !s.ok()) return s;
    link.stats.totalMs += msSince(start);
    link.stats.frames += realFrames;
    link.held.clear();
    return std::vector<FramePtr>(outputs.begin(), outputs.begin() + long(realFrames * n));
}

uint32_t EditChain::linkFramesPerInput(size_t link) const {
    const Link &l = *m_links.at(link);
    return l.spec.bypass ? 1u : l.instance->framesPerInput();
}

bool EditChain::linkIsChunked(size_t link) const {
    return !m_links.at(link)->spec.bypass && m_links.at(link)->chunk > 1;
}

Status EditChain::setParam(size_t link, const std::string &name, double value) {
    if (link >= m_links.size()) {
        return {StatusCode::InvalidArgument, "the chain has no link " + std::to_string(link)};
    }
    Link &target = *m_links[link];
    if (Status s = target.instance->setParam(name, value); !s.ok()) return s;
    target.spec.params[name] = value;
    return {};
}

Status EditChain::setAutomation(size_t link, std::shared_ptr<const ParamAutomation> automation) {
    if (link >= m_links.size()) return {StatusCode::InvalidArgument, "the chain has no link " + std::to_string(link)};
    m_links[link]->spec.automation = std::move(automation);
    return {};
}

std::vector<ChainLink> EditChain::specs() const {
    std::vector<ChainLink> out;
    for (const auto &link : m_links)
        out.push_back(link->spec);
    return out;
}

std::vector<LinkStats> EditChain::stats() const {
    std::vector<LinkStats> out;
    for (const auto &link : m_links)
        out.push_back(link->stats);
    return out;
}

} // namespace mnemo::edit
