#pragma once
// The Edit workspace: the preview (source | result, wipe, difference) over the transport bar and the timeline, and
// on the right the chain editor, the live figures and the render box. It owns the EditSession and only lays out and
// wires widgets that observe it.
//
// Shortcuts while the workspace has focus: Space play/pause, Left/Right step, Home the first frame, I/O in and out
// points, V the next preview mode.

#include "edit/EditSession.hpp"
#include "edit/EditPreview.hpp"

#include <QWidget>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QToolButton;
class QCheckBox;
class QMenu;

namespace mnemo::ui {

class EditChainPanel;
class EditTimeline;

class EditWorkspace : public QWidget {
    Q_OBJECT
public:
    explicit EditWorkspace(QWidget *parent = nullptr);

    EditSession &session() const { return *m_session; }
    EditPreview *preview() const { return m_preview; }
    EditTimeline *timeline() const { return m_timeline; }
    EditChainPanel *chainPanel() const { return m_chain; }
    QLabel *statusLabel() const { return m_status; }
    QProgressBar *renderProgress() const { return m_progress; }
    QComboBox *modeBox() const { return m_mode; }

public slots:
    void chooseSource();
    void chooseFolder();
    void chooseCameraPath();
    void saveCameraPathAs();
    void chooseRenderFile();
    void renderTo(const QString &path);

private:
    QWidget *createTransport();
    QWidget *createSidePanel();
    QWidget *createRenderBox();
    QWidget *createCameraBox();
    void fillCameraMenu(QMenu *menu);
    void onCameraPath();
    void createShortcuts();
    void onView(const EditView &view);
    void onSource(const QString &source);
    QString statusText(const EditView &view) const;

    EditSession *m_session;
    EditPreview *m_preview;
    EditTimeline *m_timeline;
    EditChainPanel *m_chain = nullptr;
    QLabel *m_sourceLabel = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_figures = nullptr;
    QToolButton *m_play = nullptr;
    QCheckBox *m_loop = nullptr;
    QComboBox *m_mode = nullptr;
    QComboBox *m_codec = nullptr;
    QSpinBox *m_crf = nullptr; // H.264 quality
    QComboBox *m_gpuUse = nullptr;
    QPushButton *m_render = nullptr, *m_cancel = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_renderOutcome = nullptr;
    QLabel *m_cameraSummary = nullptr;
};

} // namespace mnemo::ui
