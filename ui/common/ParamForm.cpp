#include "ParamForm.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>

#include <cmath>

namespace mnemo::ui {
namespace {
constexpr int kSliderSteps = 1000; // float sliders map the range onto this many integer steps
}

ParamForm::ParamForm(QWidget *parent) : QWidget(parent) { new QFormLayout(this); }

void ParamForm::setParams(const std::vector<modules::ModuleParam> &params) {
    auto *form = static_cast<QFormLayout *>(layout());
    while (form->rowCount() > 0) form->removeRow(0);
    m_params = params;
    m_values.clear();
    m_texts.clear();
    for (const auto &p : m_params) {
        if (p.type == modules::ParamType::Text) {
            m_texts[p.name] = p.defaultText;
        } else {
            m_values[p.name] = p.defaultValue;
        }
        QString label = QString::fromStdString(p.label);
        if (p.loadTime) label += tr(" ⟳");
        auto *labelWidget = new QLabel(label, this);
        QString tip = QString::fromStdString(p.description);
        if (p.loadTime) tip += tr("\n(load-time: changing it restarts the module)");
        labelWidget->setToolTip(tip);
        QWidget *editor = makeEditor(p);
        editor->setToolTip(tip);
        editor->setObjectName(QString::fromStdString("param_" + p.name));
        form->addRow(labelWidget, editor);
    }
}

void ParamForm::commit(const modules::ModuleParam &p, double value) {
    if (m_values[p.name] == value) return;
    m_values[p.name] = value;
    emit valueChanged(QString::fromStdString(p.name), value, p.loadTime);
}

void ParamForm::setValue(const QString &name, double value) {
    auto *editor = findChild<QWidget *>("param_" + name);
    if (!editor) return;
    if (auto *combo = qobject_cast<QComboBox *>(editor)) {
        combo->setCurrentIndex(int(value));
    } else if (auto *check = qobject_cast<QCheckBox *>(editor)) {
        check->setChecked(value != 0.0);
    } else if (auto *spin = editor->findChild<QDoubleSpinBox *>()) {
        spin->setValue(value);
    } else if (auto *ispin = editor->findChild<QSpinBox *>()) {
        ispin->setValue(int(value));
    }
}

void ParamForm::commitText(const modules::ModuleParam &p, const QString &text) {
    const std::string value = text.toStdString();
    if (m_texts[p.name] == value) return;
    m_texts[p.name] = value;
    emit textChanged(QString::fromStdString(p.name), text, p.loadTime);
}

void ParamForm::setText(const QString &name, const QString &text) {
    auto *editor = findChild<QWidget *>("param_" + name);
    auto *line = editor ? editor->findChild<QLineEdit *>() : nullptr;
    if (!line) return;
    line->setText(text);
    // setText() does not emit editingFinished: commit as leaving the field would.
    for (const auto &p : m_params) {
        if (p.name == name.toStdString()) commitText(p, text);
    }
}

// A line edit committed when the user leaves it or presses Enter; a file path also gets a "…" file chooser.
QWidget *ParamForm::makeTextEditor(const modules::ModuleParam &p) {
    auto *row = new QWidget(this);
    auto *h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    auto *line = new QLineEdit(QString::fromStdString(p.defaultText), row);
    line->setClearButtonEnabled(true);
    connect(line, &QLineEdit::editingFinished, this, [this, p, line] { commitText(p, line->text()); });
    h->addWidget(line, 1);
    if (p.isFilePath) {
        auto *browse = new QToolButton(row);
        browse->setText(QStringLiteral("…"));
        browse->setToolTip(tr("Choose a file"));
        connect(browse, &QToolButton::clicked, this, [this, p, line] {
            const QString start = line->text().isEmpty() ? QString() : QFileInfo(line->text()).absolutePath();
            const QString chosen = QFileDialog::getOpenFileName(this, QString::fromStdString(p.label), start);
            if (chosen.isEmpty()) return; // cancelled: keep the current file
            line->setText(chosen);
            commitText(p, chosen);
        });
        h->addWidget(browse);
    }
    return row;
}

QWidget *ParamForm::makeEditor(const modules::ModuleParam &p) {
    switch (p.type) {
    case modules::ParamType::Text: return makeTextEditor(p);
    case modules::ParamType::Enum: {
        auto *combo = new QComboBox(this);
        for (const auto &v : p.enumValues) combo->addItem(QString::fromStdString(v));
        combo->setCurrentIndex(int(p.defaultValue));
        connect(combo, &QComboBox::currentIndexChanged, this, [this, p](int i) { commit(p, double(i)); });
        return combo;
    }
    case modules::ParamType::Bool: {
        auto *check = new QCheckBox(this);
        check->setChecked(p.defaultValue != 0.0);
        connect(check, &QCheckBox::toggled, this, [this, p](bool on) { commit(p, on ? 1.0 : 0.0); });
        return check;
    }
    case modules::ParamType::Int: {
        auto *row = new QWidget(this);
        auto *h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        auto *slider = new QSlider(Qt::Horizontal, row);
        auto *spin = new QSpinBox(row);
        slider->setRange(int(p.minValue), int(p.maxValue));
        spin->setRange(int(p.minValue), int(p.maxValue));
        slider->setValue(int(p.defaultValue));
        spin->setValue(int(p.defaultValue));
        connect(slider, &QSlider::valueChanged, spin, &QSpinBox::setValue);
        connect(spin, &QSpinBox::valueChanged, slider, &QSlider::setValue);
        connect(spin, &QSpinBox::valueChanged, this, [this, p](int v) { commit(p, double(v)); });
        h->addWidget(slider, 1);
        h->addWidget(spin);
        return row;
    }
    case modules::ParamType::Float: {
        auto *row = new QWidget(this);
        auto *h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        auto *slider = new QSlider(Qt::Horizontal, row);
        auto *spin = new QDoubleSpinBox(row);
        const double range = p.maxValue - p.minValue;
        spin->setRange(p.minValue, p.maxValue);
        spin->setDecimals(range < 1.0 ? 4 : 2);
        spin->setSingleStep(range / 100.0);
        spin->setValue(p.defaultValue);
        slider->setRange(0, kSliderSteps);
        const auto toSlider = [p, range](double v) {
            return range > 0 ? int(std::lround((v - p.minValue) / range * kSliderSteps)) : 0;
        };
        slider->setValue(toSlider(p.defaultValue));
        connect(slider, &QSlider::valueChanged, spin, [spin, p, range](int s) {
            spin->setValue(p.minValue + range * double(s) / kSliderSteps);
        });
        connect(spin, &QDoubleSpinBox::valueChanged, slider, [slider, toSlider](double v) {
            const QSignalBlocker block(slider); // no echo back into the spin box
            slider->setValue(toSlider(v));
        });
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this, p](double v) { commit(p, v); });
        h->addWidget(slider, 1);
        h->addWidget(spin);
        return row;
    }
    }
    return new QWidget(this);
}

} // namespace mnemo::ui
