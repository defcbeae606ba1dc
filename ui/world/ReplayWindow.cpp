#include "ReplayWindow.hpp"

#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/metrics/ImageMetrics.hpp"
#include "mnemo/modules/ModuleInstance.hpp"
#include "mnemo/session/SessionRecorder.hpp"
#include "mnemo/session/SessionReplay.hpp"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSlider>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace mnemo::ui {

// Paints one frame, letterboxed, with a caption.
class FramePane : public QWidget {
public:
    FramePane(const QString &caption, QWidget *parent) : QWidget(parent), m_caption(caption) { setMinimumSize(240, 150); }
    void setImage(const QImage &image) {
        m_image = image;
        update();
    }
    const QImage &image() const { return m_image; }

protected:
    void paintEvent(QPaintEvent *) override {
        QPainter p(this);
        p.fillRect(rect(), QColor(18, 19, 23));
        if (!m_image.isNull()) {
            const QSize s = m_image.size().scaled(size(), Qt::KeepAspectRatio);
            p.drawImage(QRect(QPoint((width() - s.width()) / 2, (height() - s.height()) / 2), s), m_image);
        } else {
            p.setPen(QColor(150, 150, 160));
            p.drawText(rect(), Qt::AlignCenter, tr("(nothing yet)"));
        }
        p.setPen(Qt::white);
        p.drawText(rect().adjusted(8, 6, -8, -6), Qt::AlignLeft | Qt::AlignTop, m_caption);
    }

private:
    QString m_caption;
    QImage m_image;
};

namespace {

QImage toImage(const Frame &f) {
    return QImage(f.rgba.data(), int(f.width), int(f.height), int(f.width) * 4, QImage::Format_RGBA8888).copy();
}

std::string metaOr(const std::map<std::string, std::string> &meta, const char *key, const char *fallback) {
    auto it = meta.find(key);
    return it == meta.end() || it->second.empty() ? fallback : it->second;
}

// The recorded frame at `videoFrame`, or null when it cannot be read.
std::shared_ptr<const Frame> decodeAt(media::VideoDecoder &decoder, int64_t videoFrame, double fps) {
    if (videoFrame < 0) return {};
    if (!decoder.seek(int64_t(std::llround(double(videoFrame) * 1e6 / fps))).ok()) return {};
    auto next = decoder.next();
    if (!next.ok() || !next.value()) return {};
    return std::make_shared<const Frame>(std::move(next.value()->frame));
}

QString describeComparison(const session::FrameComparer::Outcome &outcome) {
    if (!outcome.comparison) return QString::fromStdString(outcome.problem);
    const metrics::Comparison &c = *outcome.comparison;
    const QString psnr = std::isfinite(c.psnr) ? QString::number(c.psnr, 'f', 2) + " dB" : ReplayWindow::tr("identical");
    return ReplayWindow::tr("PSNR %1 · SSIM %2").arg(psnr).arg(c.ssim, 0, 'f', 4);
}

} // namespace

ReplayWindow *ReplayWindow::open(const QString &folder, modules::ModuleEnvironment *env, QString *error) {
    auto db = session::SessionDatabase::openReadOnly(session::sessionDatabasePath(folder.toStdString()));
    if (!db.ok()) {
        *error = QString::fromStdString(db.message());
        return nullptr;
    }
    auto rows = db.value()->frames();
    auto events = db.value()->memoryEvents();
    if (!rows.ok() || !events.ok()) {
        *error = QString::fromStdString(!rows.ok() ? rows.message() : events.message());
        return nullptr;
    }
    const auto meta = db.value()->meta();
    auto replay = session::replayConfig(*db.value());
    if (!replay.ok()) {
        *error = QString::fromStdString(replay.message());
        return nullptr;
    }
    auto decoder = media::VideoDecoder::open(folder.toStdString() + "/" + metaOr(meta, "video_path", "video.mkv"));
    if (!decoder.ok()) {
        *error = QString::fromStdString(decoder.message());
        return nullptr;
    }
    // Owned until returned, so a throw below (the caller guards against one) does not leak a hidden window.
    std::unique_ptr<ReplayWindow> w(new ReplayWindow(folder, env));
    w->m_meta = meta;
    w->m_replay = std::move(replay.value());
    w->m_rows = std::move(rows.value());
    w->m_events = std::move(events.value());
    w->m_decoder = std::move(decoder.value());
    w->m_slider->setRange(0, std::max(0, int(w->m_rows.size()) - 1));
    if (env) {
        // The outcome arrives on the comparer's thread: the image is made there, and shown on the UI thread.
        ReplayWindow *window = w.get();
        w->m_comparer = std::make_unique<session::FrameComparer>(
            *env, w->m_replay, [window](session::FrameComparer::Outcome outcome) {
                const QImage image = outcome.engine ? toImage(*outcome.engine) : QImage();
                const QString text = describeComparison(outcome);
                QMetaObject::invokeMethod(window, [window, image, text] { window->showComparison(image, text); },
                                          Qt::QueuedConnection);
            });
    }
    w->setWindowTitle(tr("Replay — %1").arg(QString::fromStdString(metaOr(meta, "name", folder.toStdString().c_str()))));
    w->seekTo(0);
    return w.release();
}

ReplayWindow::ReplayWindow(QString folder, modules::ModuleEnvironment *env)
    : QWidget(nullptr, Qt::Window), m_folder(std::move(folder)), m_env(env),
      m_recorded(new FramePane(tr("Recorded"), this)), m_engine(new FramePane(tr("Engine, same camera"), this)),
      m_slider(new QSlider(Qt::Horizontal)), m_info(new QLabel), m_metric(new QLabel), m_plot(new QLabel),
      m_replayButton(new QPushButton(tr("Replay All"))) {
    setObjectName("replayWindow");
    setAttribute(Qt::WA_DeleteOnClose);
    resize(1100, 620);
    auto *grid = new QGridLayout(this);
    grid->addWidget(m_recorded, 0, 0);
    grid->addWidget(m_engine, 0, 1);
    m_slider->setObjectName("replaySlider");
    grid->addWidget(m_slider, 1, 0, 1, 2);
    m_plot->setMinimumHeight(70);
    grid->addWidget(m_plot, 2, 0, 1, 2);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->setWordWrap(true);
    grid->addWidget(m_info, 3, 0);
    auto *buttons = new QHBoxLayout;
    auto *compare = new QPushButton(tr("Compare Frame"));
    compare->setToolTip(tr("Render this frame's camera with the recorded engine and compare (PSNR/SSIM)"));
    m_replayButton->setToolTip(tr("Re-drive the engine through the whole session and plot the per-frame PSNR"));
    buttons->addWidget(compare);
    buttons->addWidget(m_replayButton);
    buttons->addWidget(m_metric, 1);
    grid->addLayout(buttons, 3, 1);
    grid->setRowStretch(0, 1);
    grid->setColumnStretch(0, 1); // the two frames get the same size, whatever the labels below say
    grid->setColumnStretch(1, 1);
    m_info->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    connect(m_slider, &QSlider::valueChanged, this, &ReplayWindow::seekTo);
    connect(compare, &QPushButton::clicked, this, &ReplayWindow::compareCurrent);
    connect(m_replayButton, &QPushButton::clicked, this, &ReplayWindow::replayAll);
    connect(&m_decodeWatcher, &QFutureWatcher<Decoded>::finished, this, &ReplayWindow::onDecoded);
    connect(&m_replayWatcher, &QFutureWatcher<std::vector<double>>::finished, this, [this] {
        m_replayPsnr = m_replayWatcher.result();
        m_replayButton->setEnabled(true);
        updatePlot();
        emit replayFinished();
    });
}

ReplayWindow::~ReplayWindow() {
    // The comparer's thread posts to this window: it stops first. What it already posted is discarded with the
    // window's pending events.
    m_comparer.reset();
    m_decodeWatcher.waitForFinished();
    m_replayWatcher.waitForFinished();
}

void ReplayWindow::showComparison(const QImage &engine, const QString &text) {
    m_engine->setImage(engine);
    m_metricText = text;
    m_metric->setText(text);
    emit engineFrameShown(position());
}

int ReplayWindow::position() const { return m_slider->value(); }
QImage ReplayWindow::recordedImage() const { return m_recorded->image(); }
QImage ReplayWindow::engineImage() const { return m_engine->image(); }
QString ReplayWindow::metricText() const { return m_metricText; }

void ReplayWindow::seekTo(int frame) {
    if (m_rows.empty()) return;
    frame = std::clamp(frame, 0, int(m_rows.size()) - 1);
    if (m_slider->value() != frame) m_slider->setValue(frame); // re-enters through valueChanged
    m_wanted = frame;
    showInfo(frame);
    decodeLatest();
}

void ReplayWindow::showInfo(int frame) {
    const session::FrameRow &r = m_rows[size_t(frame)];
    const auto &m = r.camera.c2w;
    QString keys;
    for (const auto &k : r.controller.keys) keys += QString::fromStdString(k) + " ";
    QString reads;
    for (const auto &e : m_events) {
        if (e.frameIndex == r.frameIndex) {
            reads += tr("frame %1 (score %2, %3%) ").arg(e.entryFrame).arg(e.score, 0, 'f', 2).arg(int(e.covered * 100));
        }
    }
    m_info->setText(tr("Frame %1 of %2 · step %3 · camera (%4, %5, %6) · keys: %7 · mouse %8, %9 · module %10 ms · "
                       "latency %11 ms\nMemory read: %12")
                        .arg(r.frameIndex)
                        .arg(m_rows.size())
                        .arg(r.step)
                        .arg(m[12], 0, 'f', 2)
                        .arg(m[13], 0, 'f', 2)
                        .arg(m[14], 0, 'f', 2)
                        .arg(keys.isEmpty() ? tr("none") : keys.trimmed())
                        .arg(r.controller.mouseDx, 0, 'f', 0)
                        .arg(r.controller.mouseDy, 0, 'f', 0)
                        .arg(r.stepMs, 0, 'f', 1)
                        .arg(r.latencyMs, 0, 'f', 1)
                        .arg(reads.isEmpty() ? tr("nothing") : reads));
}

void ReplayWindow::decodeLatest() {
    if (m_decoding) return; // onDecoded() picks up the newest position when the current decode ends
    m_decoding = true;
    const int target = m_wanted;
    const int64_t videoFrame = m_rows[size_t(target)].videoFrame;
    const double fps = m_replay.targetFps;
    media::VideoDecoder *decoder = m_decoder.get();
    m_decodeWatcher.setFuture(QtConcurrent::run([decoder, target, videoFrame, fps]() -> Decoded {
        // A throw shows no frame, like a failed decode, and is logged; in the future it would be rethrown by
        // result() in onDecoded() or the destructor.
        Decoded decoded{target, {}, nullptr};
        const Status s = guarded("decoding replay frame " + std::to_string(target), [&] {
            faultPoint("ui.replay.seek");
            decoded.pixels = decodeAt(*decoder, videoFrame, fps);
            if (decoded.pixels) decoded.image = toImage(*decoded.pixels);
        });
        if (!s.ok()) log::warning("replay", s.message());
        return decoded;
    }));
}

void ReplayWindow::onDecoded() {
    const Decoded decoded = m_decodeWatcher.result();
    const int frame = decoded.frame;
    m_decoding = false;
    m_recorded->setImage(decoded.image);
    m_recordedPixels = decoded.pixels;
    if (m_wanted != frame) {
        decodeLatest();
        return;
    }
    emit recordedFrameShown(frame);
}

void ReplayWindow::compareCurrent() {
    if (!m_comparer || m_rows.empty()) return;
    m_metric->setText(tr("Rendering..."));
    // A newer click replaces a request the engine has not started on.
    m_comparer->request({uint64_t(position()), m_rows[size_t(position())], m_recordedPixels});
}

void ReplayWindow::replayAll() {
    if (!m_env || m_rows.empty() || m_replayWatcher.isRunning()) return;
    m_replayButton->setEnabled(false);
    const std::string folder = m_folder.toStdString();
    modules::ModuleEnvironment *env = m_env;
    m_replayWatcher.setFuture(QtConcurrent::run([env, folder]() -> std::vector<double> {
        // A throw ends the replay like a failed one: logged, and the frames compared so far are plotted.
        std::vector<double> psnr;
        const Status s = guarded("replaying " + folder, [&]() -> Status {
            faultPoint("ui.replay.all");
            auto result = session::replaySession(*env->registry, folder, {}, [&](const session::ReplayFrame &f) {
                psnr.push_back(f.comparison.psnr);
            });
            return result.status();
        });
        if (!s.ok()) log::warning("replay", s.message());
        return psnr;
    }));
}

void ReplayWindow::updatePlot() {
    QPixmap pixmap(std::max(200, m_plot->width()), 70);
    pixmap.fill(QColor(24, 26, 32));
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    int identical = 0;
    QPolygonF line;
    for (size_t i = 0; i < m_replayPsnr.size(); ++i) {
        const double v = std::isfinite(m_replayPsnr[i]) ? std::min(60.0, m_replayPsnr[i]) : 60.0;
        identical += !std::isfinite(m_replayPsnr[i]);
        line << QPointF(double(i) / std::max<size_t>(1, m_replayPsnr.size() - 1) * (pixmap.width() - 1),
                        66 - v / 60.0 * 60.0);
    }
    p.setPen(QPen(QColor(90, 200, 255), 1.5));
    p.drawPolyline(line);
    p.setPen(QColor(220, 224, 232));
    p.drawText(6, 14, tr("Replay PSNR per frame (top = 60 dB or identical): %1 of %2 frames identical")
                          .arg(identical)
                          .arg(m_replayPsnr.size()));
    m_plot->setPixmap(pixmap);
}

} // namespace mnemo::ui
