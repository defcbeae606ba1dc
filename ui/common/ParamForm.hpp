#pragma once
// A form generated from a module's declared parameters: floats and ints become a slider with a spin box, enums a
// combo box, bools a check box. Load-time parameters are marked, since changing one restarts the module.

#include "mnemo/modules/ModuleRegistry.hpp"

#include <QWidget>

#include <map>

namespace mnemo::ui {

class ParamForm : public QWidget {
    Q_OBJECT
public:
    explicit ParamForm(QWidget *parent = nullptr);

    void setParams(const std::vector<modules::ModuleParam> &params);
    // Current values of every parameter (defaults until the user changes them).
    std::map<std::string, double> values() const { return m_values; }
    // Sets a value as if the user did (used by tests and presets); emits valueChanged.
    void setValue(const QString &name, double value);

signals:
    void valueChanged(const QString &name, double value, bool loadTime);

private:
    QWidget *makeEditor(const modules::ModuleParam &p);
    void commit(const modules::ModuleParam &p, double value);

    std::vector<modules::ModuleParam> m_params;
    std::map<std::string, double> m_values;
};

} // namespace mnemo::ui
