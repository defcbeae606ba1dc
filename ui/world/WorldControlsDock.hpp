#pragma once
// World controls: which world module runs, its parameters (a form generated from the module's declaration),
// pause/resume and reset with a seed.

#include <QDockWidget>

class QComboBox;
class QPushButton;
class QSpinBox;
class QLabel;

namespace mnemo::ui {

class WorldSession;
class ParamForm;

class WorldControlsDock : public QDockWidget {
    Q_OBJECT
public:
    WorldControlsDock(WorldSession &world, QWidget *parent = nullptr);

    ParamForm *paramForm() const { return m_form; }
    QComboBox *moduleCombo() const { return m_modules; }
    QComboBox *interpolationCombo() const { return m_interpolation; }

public slots:
    void togglePause();
    void reset();

private:
    void populate();
    void followWorld();
    void onModuleChosen(int index);
    void connectRemote();
    void onParamChanged(const QString &name, double value, bool loadTime);
    QWidget *makeMemoryControls();
    void applyRetrieval();
    QLayout *makeOutputRow();

    WorldSession &m_world;
    QComboBox *m_modules;
    ParamForm *m_form;
    QPushButton *m_pause;
    QSpinBox *m_seed;
    QLabel *m_note;
    QComboBox *m_retrieval = nullptr;
    QSpinBox *m_picks = nullptr;
    QComboBox *m_interpolation = nullptr;
};

} // namespace mnemo::ui
