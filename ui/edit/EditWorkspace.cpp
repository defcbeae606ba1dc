#include "edit/EditWorkspace.hpp"

#include "edit/EditChainPanel.hpp"
#include "edit/EditTimeline.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QDir>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace mnemo::ui {

EditWorkspace::EditWorkspace(QWidget *parent)
    : QWidget(parent), m_session(new EditSession(this)), m_preview(new EditPreview(this)),
      m_timeline(new EditTimeline(this)) {
    setObjectName("editWorkspace");
    m_preview->setPlaceholder(tr("Loading modules…"));
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_preview, 1);
    leftLayout->addWidget(createTransport());
    leftLayout->addWidget(m_timeline);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(createSidePanel());
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
    split->setSizes({900, 360});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);
    createShortcuts();

    connect(m_session, &EditSession::previewChanged, m_preview, &EditPreview::setPair);
    connect(m_session, &EditSession::viewChanged, this, &EditWorkspace::onView);
    connect(m_session, &EditSession::sourceChanged, this, &EditWorkspace::onSource);
    connect(m_timeline, &EditTimeline::seekRequested, m_session, &EditSession::seek);
    connect(m_preview, &EditPreview::cameraMoved, m_session, &EditSession::nudgeCamera);
    connect(m_session, &EditSession::cameraPathChanged, this, &EditWorkspace::onCameraPath);
    connect(m_session, &EditSession::chainChanged, this, &EditWorkspace::onCameraPath);
    connect(m_session, &EditSession::renderFinished, this, [this](bool, const QString &message) {
        m_renderOutcome->setText(message);
    });
}

QWidget *EditWorkspace::createTransport() {
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 2, 0, 2);
    auto button = [&](const QString &text, const QString &tip, auto slot, QStyle::StandardPixmap icon = {}) {
        auto *b = new QToolButton(bar);
        b->setText(text);
        if (icon) b->setIcon(style()->standardIcon(icon));
        b->setToolTip(tip);
        connect(b, &QToolButton::clicked, this, slot);
        row->addWidget(b);
        return b;
    };
    QToolButton *open = button(tr("Open…"), tr("Open a video or an image file"), [this] { chooseSource(); });
    auto *openMenu = new QMenu(open);
    openMenu->addAction(tr("Video or Image File…"), this, &EditWorkspace::chooseSource);
    openMenu->addAction(tr("Image Folder or Recorded Session…"), this, &EditWorkspace::chooseFolder);
    QMenu *cameras = openMenu->addMenu(tr("Camera"));
    connect(cameras, &QMenu::aboutToShow, this, [this, cameras] { fillCameraMenu(cameras); });
    open->setMenu(openMenu);
    open->setPopupMode(QToolButton::MenuButtonPopup);
    button(tr("World stream"), tr("Edit the live World stream as it is generated"),
           [this] { m_session->openWorldStream(); });
    row->addSpacing(8);
    button(tr("First"), tr("First frame (Home)"), [this] { m_session->seek(0); }, QStyle::SP_MediaSkipBackward);
    button(tr("Back"), tr("Step back (Left)"), [this] { m_session->step(-1); }, QStyle::SP_MediaSeekBackward);
    m_play = button(tr("Play"), tr("Play / pause (Space)"), [this] { m_session->togglePlaying(); },
                    QStyle::SP_MediaPlay);
    button(tr("Step"), tr("Step (Right)"), [this] { m_session->step(1); }, QStyle::SP_MediaSeekForward);
    m_loop = new QCheckBox(tr("Loop"), bar);
    m_loop->setChecked(true);
    connect(m_loop, &QCheckBox::toggled, m_session, &EditSession::setLoop);
    row->addWidget(m_loop);
    row->addSpacing(8);
    button(tr("In"), tr("Set the in point at this frame (I)"), [this] { m_session->markIn(); });
    button(tr("Out"), tr("Set the out point at this frame (O)"), [this] { m_session->markOut(); });
    button(tr("Clear"), tr("Clear the in and out points"), [this] { m_session->clearInOut(); });
    row->addSpacing(8);
    m_mode = new QComboBox(bar);
    m_mode->setObjectName("editPreviewMode");
    m_mode->addItems({tr("Source | Result"), tr("Wipe"), tr("Difference"), tr("Result")});
    m_mode->setToolTip(tr("How the preview compares source and result (V cycles)"));
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_preview->setMode(PreviewMode(index));
        m_session->setMakeDifference(PreviewMode(index) == PreviewMode::Difference);
    });
    row->addWidget(m_mode);
    row->addStretch(1);
    m_status = new QLabel(bar);
    m_status->setObjectName("editStatus");
    row->addWidget(m_status);
    return bar;
}

QWidget *EditWorkspace::createSidePanel() {
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(320);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // the forms wrap and shrink instead
    auto *panel = new QWidget(scroll);
    auto *layout = new QVBoxLayout(panel);
    m_sourceLabel = new QLabel(tr("<i>No source</i>"), panel);
    m_sourceLabel->setWordWrap(true);
    m_sourceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_sourceLabel);
    m_chain = new EditChainPanel(*m_session, panel);
    layout->addWidget(m_chain);
    auto *gpuRow = new QHBoxLayout;
    gpuRow->addWidget(new QLabel(tr("GPU modules run on"), panel));
    m_gpuUse = new QComboBox(panel);
    m_gpuUse->setObjectName("editGpuUse");
    m_gpuUse->addItem(tr("Auto (the GPU where there is one)"), int(edit::GpuUse::Auto));
    m_gpuUse->addItem(tr("The GPU"), int(edit::GpuUse::Always));
    m_gpuUse->addItem(tr("The CPU"), int(edit::GpuUse::Never));
    m_gpuUse->setToolTip(tr("Where modules that have a Vulkan path run. Their C paths are the reference the shaders "
                            "are tested against; the shaders are faster, even on a software Vulkan device (lavapipe)."));
    connect(m_gpuUse, &QComboBox::currentIndexChanged, this, [this] {
        m_session->setGpuUse(edit::GpuUse(m_gpuUse->currentData().toInt()));
    });
    m_gpuUse->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon); // shrinks with the panel
    m_gpuUse->setMinimumContentsLength(8);
    gpuRow->addWidget(m_gpuUse, 1);
    layout->addLayout(gpuRow);
    auto *restart = new QCheckBox(tr("Restart a module that fails and go on"), panel);
    restart->setObjectName("editRestartFailed");
    restart->setToolTip(tr("When a module fails (an isolated one's crash or hang: see the Plugins panel), make the "
                           "chain again and edit the frame again, instead of stopping. Three failures in a row stop."));
    connect(restart, &QCheckBox::toggled, m_session, &EditSession::setRestartFailedChain);
    layout->addWidget(restart);
    m_figures = new QLabel(panel);
    m_figures->setObjectName("editFigures");
    m_figures->setWordWrap(true);
    m_figures->setTextFormat(Qt::RichText);
    layout->addWidget(m_figures);
    layout->addWidget(createCameraBox());
    layout->addWidget(createRenderBox());
    layout->addStretch(1);
    scroll->setWidget(panel);
    return scroll;
}

QWidget *EditWorkspace::createRenderBox() {
    auto *box = new QGroupBox(tr("Render"), this);
    auto *layout = new QVBoxLayout(box);
    auto *row = new QHBoxLayout;
    m_codec = new QComboBox(box);
    m_codec->addItem(tr("H.264 (.mp4/.mkv)"), int(media::VideoCodec::H264));
    m_codec->addItem(tr("FFV1 lossless (.mkv)"), int(media::VideoCodec::FFV1));
    row->addWidget(m_codec, 1);
    m_crf = new QSpinBox(box);
    m_crf->setObjectName("editRenderCrf");
    m_crf->setRange(0, 51);
    m_crf->setValue(18);
    m_crf->setPrefix(tr("CRF "));
    m_crf->setToolTip(tr("H.264 quality: lower is better and larger. 18 looks like the source; 23 (x264's default) "
                         "encodes faster and smaller. Lossless FFV1 has no such setting."));
    connect(m_codec, &QComboBox::currentIndexChanged, this, [this] {
        m_crf->setEnabled(media::VideoCodec(m_codec->currentData().toInt()) == media::VideoCodec::H264);
    });
    row->addWidget(m_crf);
    layout->addLayout(row);
    row = new QHBoxLayout; // the buttons on a row of their own: the panel stays narrow
    m_render = new QPushButton(tr("Render…"), box);
    m_render->setToolTip(tr("Render the source (between the in and out points) through the chain to a file"));
    connect(m_render, &QPushButton::clicked, this, &EditWorkspace::chooseRenderFile);
    row->addWidget(m_render);
    m_cancel = new QPushButton(tr("Cancel"), box);
    m_cancel->setEnabled(false);
    connect(m_cancel, &QPushButton::clicked, m_session, &EditSession::cancelRender);
    row->addWidget(m_cancel);
    layout->addLayout(row);
    m_progress = new QProgressBar(box);
    m_progress->setObjectName("editRenderProgress");
    m_progress->setFormat(tr("idle"));
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_renderOutcome = new QLabel(box);
    m_renderOutcome->setWordWrap(true);
    m_renderOutcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_renderOutcome);
    return box;
}

void EditWorkspace::createShortcuts() {
    const std::pair<QKeySequence, std::function<void()>> keys[] = {
        {Qt::Key_Space, [this] { m_session->togglePlaying(); }},
        {Qt::Key_Left, [this] { m_session->step(-1); }},
        {Qt::Key_Right, [this] { m_session->step(1); }},
        {Qt::Key_Home, [this] { m_session->seek(0); }},
        {Qt::Key_I, [this] { m_session->markIn(); }},
        {Qt::Key_O, [this] { m_session->markOut(); }},
        {Qt::Key_V, [this] { m_mode->setCurrentIndex((m_mode->currentIndex() + 1) % m_mode->count()); }},
        {Qt::Key_K, [this] { m_session->keyCamera(); }},
        {QKeySequence(Qt::SHIFT | Qt::Key_K), [this] { m_session->deleteCameraKey(); }},
    };
    for (const auto &[key, action] : keys) {
        auto *shortcut = new QShortcut(key, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, action);
    }
}

QWidget *EditWorkspace::createCameraBox() {
    auto *box = new QGroupBox(tr("Camera path"), this);
    auto *layout = new QVBoxLayout(box);
    m_cameraSummary = new QLabel(box);
    m_cameraSummary->setWordWrap(true);
    layout->addWidget(m_cameraSummary);
    auto *row = new QHBoxLayout;
    const std::pair<QString, std::function<void()>> buttons[] = {
        {tr("Key (K)"), [this] { m_session->keyCamera(); }},
        {tr("Delete (⇧K)"), [this] { m_session->deleteCameraKey(); }},
        {tr("Clear"), [this] { m_session->clearCameraPath(); }},
        {tr("Load…"), [this] { chooseCameraPath(); }},
        {tr("Save…"), [this] { saveCameraPathAs(); }},
    };
    int placed = 0;
    for (const auto &[text, action] : buttons) {
        if (placed++ == 3) { // keying on one row, files on the next: the panel stays narrow
            row->addStretch(1);
            layout->addLayout(row);
            row = new QHBoxLayout;
        }
        auto *b = new QToolButton(box);
        b->setText(text);
        connect(b, &QToolButton::clicked, this, action);
        row->addWidget(b);
    }
    row->addStretch(1);
    layout->addLayout(row);
    onCameraPath();
    return box;
}

void EditWorkspace::onCameraPath() {
    if (!m_cameraSummary) return;
    const auto path = m_session->cameraPath();
    m_timeline->setCameraPath(path);
    const bool camera = m_session->cameraLink() >= 0;
    m_preview->setCameraGestures(camera);
    const size_t keys = path->keyframes().size();
    m_cameraSummary->setText(
        keys ? tr("%n keyframe(s), frames %1–%2. Drag or scroll in the preview to key the frame on screen.", "",
                  int(keys))
                   .arg(path->keyframes().front().frame)
                   .arg(path->keyframes().back().frame)
        : camera ? tr("No keyframes: drag or scroll in the preview to move the virtual camera; K keys the frame.")
                 : tr("K adds a virtual camera and keys the frame on screen (pan, zoom, roll, tilt over time)."));
}

void EditWorkspace::chooseCameraPath() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Load a Camera Path"), {},
                                                      tr("Camera paths (*.json);;All files (*)"));
    if (!file.isEmpty()) m_session->loadCameraPath(file);
}

void EditWorkspace::saveCameraPathAs() {
    const QString file = QFileDialog::getSaveFileName(this, tr("Save the Camera Path"), "camera-path.json",
                                                      tr("Camera paths (*.json)"));
    if (!file.isEmpty()) m_session->saveCameraPath(file);
}

void EditWorkspace::chooseSource() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a Source to Edit"), {},
                                                      tr("Videos and images (*.mp4 *.mkv *.mov *.webm *.avi *.png "
                                                         "*.jpg *.jpeg *.bmp);;All files (*)"));
    if (!path.isEmpty()) m_session->openSource(path);
}

void EditWorkspace::chooseFolder() {
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Open an Image Folder or a Recorded Session"), {});
    if (!folder.isEmpty()) m_session->openSource(folder);
}

// V4L2 devices as the system lists them; opening one streams it (drop-oldest when the chain falls behind).
void EditWorkspace::fillCameraMenu(QMenu *menu) {
    menu->clear();
    const QStringList devices = QDir("/dev").entryList({"video*"}, QDir::System, QDir::Name);
    if (devices.isEmpty()) menu->addAction(tr("(no V4L2 camera found)"))->setEnabled(false);
    for (const QString &device : devices) {
        const QString path = "/dev/" + device;
        menu->addAction(path, this, [this, path] { m_session->openSource(path); });
    }
}

void EditWorkspace::chooseRenderFile() {
    const bool lossless = media::VideoCodec(m_codec->currentData().toInt()) == media::VideoCodec::FFV1;
    const QString suggested = QFileInfo(m_session->view().source).completeBaseName() + "-edit" +
                              (lossless ? ".mkv" : ".mp4");
    const QString path = QFileDialog::getSaveFileName(this, tr("Render to"), suggested,
                                                      tr("Video (*.mp4 *.mkv)"));
    if (!path.isEmpty()) renderTo(path);
}

void EditWorkspace::renderTo(const QString &path) {
    m_renderOutcome->clear();
    m_session->render(path, media::VideoCodec(m_codec->currentData().toInt()), m_crf->value());
}

void EditWorkspace::onSource(const QString &source) {
    m_sourceLabel->setText(tr("<b>Source</b>: %1").arg(source.toHtmlEscaped()));
    m_preview->setPlaceholder(tr("Waiting for the first frame of %1…").arg(source));
}

} // namespace mnemo::ui

namespace mnemo::ui {

QString EditWorkspace::statusText(const EditView &view) const {
    const auto &s = view.stats;
    QString position = QString::number(s.position);
    if (s.frameCountHint > 0) position += QStringLiteral(" / %1").arg(s.frameCountHint);
    QString text = tr("%1 · frame %2 · %3 fps").arg(QString::fromUtf8(edit::playerStateName(s.state)), position)
                       .arg(s.editFps, 0, 'f', 0);
    if (s.live) text += tr(" · dropped %1").arg(s.framesDropped);
    return text;
}

void EditWorkspace::onView(const EditView &view) {
    const auto &s = view.stats;
    const bool open = !view.source.isEmpty();
    m_status->setText(open ? statusText(view) : QString());
    const bool playing = s.state == edit::PlayerState::Playing;
    m_play->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    if (!view.problem.isEmpty() && !m_preview->pair()) m_preview->setPlaceholder(view.problem);
    else if (!m_session->hasEnvironment()) m_preview->setPlaceholder(tr("Loading modules…"));
    else if (!open) m_preview->setPlaceholder(tr("Open a video, an image or a folder of images (Open…), or edit the "
                                                 "live World stream (World stream)."));
    m_timeline->setView(view, [&] {
        std::vector<std::string> names;
        for (const auto &link : m_session->chain()) names.push_back(link.moduleId);
        return names;
    }());
    QString figures = tr("<b>Live figures</b><br>%1×%2 at %3 fps source · input → preview %4 ms<br>"
                         "consistency (warp error): %5 · meter %6 ms/frame<br>%8 · frames copied to/from the GPU: %7 per frame")
                          .arg(s.width).arg(s.height).arg(s.sourceFps, 0, 'f', 1).arg(view.previewLatencyMs, 0, 'f', 0)
                          .arg(s.warpErrorMean, 0, 'f', 2).arg(s.meterMsPerFrame, 0, 'f', 1).arg(s.gpuCopiesPerFrame, 0, 'f', 1)
                          .arg(s.gpu ? tr("modules on the GPU") : tr("all modules on the CPU"));
    if (s.resultWidth && (s.resultWidth != s.width || s.resultHeight != s.height)) {
        figures += tr("<br>result %1×%2 (the chain resizes)").arg(s.resultWidth).arg(s.resultHeight);
    }
    if (s.framesPerInput > 1) {
        figures += tr("<br>%1 frames per source frame (interpolated) · shown: %2 fps")
                       .arg(s.framesPerInput)
                       .arg(s.editFps, 0, 'f', 1);
    }
    if (const QStringList isolated = m_session->isolatedModules(); !isolated.isEmpty()) {
        figures += tr("<br>isolated in their own process: %1").arg(isolated.join(", ").toHtmlEscaped());
    }
    if (s.chainRestarts > 0) {
        figures += tr("<br>chain made again %1× (last: %2)")
                       .arg(s.chainRestarts)
                       .arg(QString::fromStdString(s.lastRestartReason).toHtmlEscaped());
    }
    if (s.live) figures += tr("<br>dropped (chain behind the source): %1").arg(s.framesDropped);
    if (!view.problem.isEmpty()) {
        figures += tr("<br><span style='color:#fbbf24'>%1</span>").arg(view.problem.toHtmlEscaped());
    }
    if (!s.problem.empty()) {
        figures += tr("<br><span style='color:#f87171'><b>Stopped:</b> %1</span>")
                       .arg(QString::fromStdString(s.problem).toHtmlEscaped());
    }
    m_figures->setText(open ? figures : QString());
    const auto &r = view.render;
    m_render->setEnabled(!r.running && open && !s.live);
    m_cancel->setEnabled(r.running);
    if (r.running) {
        m_progress->setMaximum(r.expected > 0 ? int(r.expected) : 0);
        m_progress->setValue(int(r.done));
        m_progress->setFormat(r.etaS > 0 ? tr("%v / %m frames · %1 s left").arg(r.etaS, 0, 'f', 0)
                                         : tr("%v / %m frames"));
    } else if (!r.outcome.isEmpty()) {
        m_progress->setMaximum(std::max<int>(1, int(r.done)));
        m_progress->setValue(int(r.done));
        m_progress->setFormat(tr("done: %v frames"));
    }
}

} // namespace mnemo::ui
