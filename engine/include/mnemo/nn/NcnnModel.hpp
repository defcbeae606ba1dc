#pragma once
// A network in ncnn's published format, read as is
// (https://github.com/Tencent/ncnn/wiki/param-and-model-file-structure): the .param text (magic 7767517; layers in
// execution order, each with its type, name, input and output blob names and a parameter dictionary "id=value", arrays
// as "-23300-id=count,v,...") and the .bin weights, layer by layer in the same order (fp32, or fp16 behind a 4-byte
// tag, as ncnn2mem and the converters write them). Only the layer types the runtime implements are accepted: an error
// names the first other one.

#include "mnemo/core/Status.hpp"

#include <map>
#include <string>
#include <vector>

namespace mnemo::nn {

// One layer's parameters, by id, as written (so an int stays exact).
class ParamDict {
public:
    void set(int id, std::vector<std::string> values) { m_values[id] = std::move(values); }
    bool has(int id) const { return m_values.count(id) > 0; }
    int i(int id, int fallback) const;
    float f(int id, float fallback) const;
    std::vector<float> floats(int id) const; // an array, or a single value as one element
    std::vector<int> ints(int id) const;     // the same as integers, clamped to int's range
    const std::map<int, std::vector<std::string>> &all() const { return m_values; }

private:
    std::map<int, std::vector<std::string>> m_values;
};

struct Layer {
    std::string type, name;
    std::vector<std::string> inputs, outputs;
    ParamDict params;
    std::vector<std::vector<float>> weights; // in the order the type loads them (Convolution: weight, bias)
};

struct NcnnModel {
    std::string path; // the .param file, for messages
    std::vector<Layer> layers;
    // The blobs the Input layers produce, in order.
    std::vector<std::string> inputs() const;
    // The blobs no layer consumes: the network's outputs.
    std::vector<std::string> outputs() const;
};

// The layer types the runtime implements (and whose weights the reader knows how to load).
const std::vector<std::string> &supportedLayerTypes();

// Errors name the file and what is wrong: a line that is not a layer, an unknown layer type, a weight count that does
// not match the layer's shape, a .bin that ends early or has bytes left over.
Result<NcnnModel> loadNcnnModel(const std::string &paramPath, const std::string &binPath);

} // namespace mnemo::nn
