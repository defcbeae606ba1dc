#pragma once
// A form generated from a module's declared parameters: floats and ints become a slider with a spin box, enums a
// combo box, bools a check box, text a line edit (with a "…" file chooser when it names a file). Load-time parameters
// are marked, since changing one restarts the module.

#include "mnemo/modules/ModuleRegistry.hpp"

#include <QWidget>

#include <map>

namespace mnemo::ui {

class ParamForm : public QWidget {
    Q_OBJECT
public:
    explicit ParamForm(QWidget *parent = nullptr);

    void setParams(const std::vector<modules::ModuleParam> &params);
    // Current values of every numeric parameter (defaults until the user changes them); text ones are not in it.
    std::map<std::string, double> values() const { return m_values; }
    // Current values of every text parameter (their default text until the user changes them).
    std::map<std::string, std::string> textValues() const { return m_texts; }
    // Sets a value as if the user did (used by tests and presets); emits valueChanged.
    void setValue(const QString &name, double value);
    // Sets a text parameter as if the user typed it and left the field (tests, presets); emits textChanged.
    void setText(const QString &name, const QString &text);

signals:
    void valueChanged(const QString &name, double value, bool loadTime);
    // A text parameter changed: emitted when the user leaves the field (or picks a file), not on every keystroke,
    // since a module may load a file for each value.
    void textChanged(const QString &name, const QString &text, bool loadTime);

private:
    QWidget *makeEditor(const modules::ModuleParam &p);
    QWidget *makeTextEditor(const modules::ModuleParam &p);
    void commit(const modules::ModuleParam &p, double value);
    void commitText(const modules::ModuleParam &p, const QString &text);

    std::vector<modules::ModuleParam> m_params;
    std::map<std::string, double> m_values;
    std::map<std::string, std::string> m_texts;
};

} // namespace mnemo::ui
