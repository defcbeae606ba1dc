#pragma once
// Replays a recorded session: scrub its video with the recorded camera, controller state and memory reads of each
// frame, and compare it side by side with what an engine renders for the same camera (with PSNR/SSIM). "Replay
// all" re-drives the engine through the whole session in the background and plots the per-frame PSNR.
// Video decoding and engine work run on worker threads; scrubbing coalesces to the newest position.

#include "mnemo/media/VideoDecoder.hpp"
#include "mnemo/modules/ModuleEnvironment.hpp"
#include "mnemo/session/FrameComparer.hpp"
#include "mnemo/session/SessionDatabase.hpp"
#include "mnemo/world/WorldPipeline.hpp"

#include <QFutureWatcher>
#include <QImage>
#include <QWidget>

#include <atomic>
#include <memory>
#include <mutex>

class QLabel;
class QSlider;
class QPushButton;

namespace mnemo::ui {

class FramePane;

class ReplayWindow : public QWidget {
    Q_OBJECT
public:
    // `env` provides the engine for comparisons; it must outlive the window.
    static ReplayWindow *open(const QString &sessionFolder, modules::ModuleEnvironment *env, QString *error);
    ~ReplayWindow() override;

    int frameCount() const { return int(m_rows.size()); }
    int position() const;
    // For tests: the newest decoded recorded frame and engine frame (null until ready).
    QImage recordedImage() const;
    QImage engineImage() const;
    QString metricText() const;
    const std::vector<double> &replayPsnr() const { return m_replayPsnr; }

public slots:
    void seekTo(int frame);
    void compareCurrent();
    void replayAll();

signals:
    void recordedFrameShown(int frame);
    void engineFrameShown(int frame);
    void replayFinished();

private:
    ReplayWindow(QString folder, modules::ModuleEnvironment *env);
    void showInfo(int frame);
    void decodeLatest();
    void onDecoded();
    void updatePlot();
    void showComparison(const QImage &engine, const QString &text);

    // A decoded recorded frame: the image shown and the pixels compared (both made on the decode worker).
    struct Decoded {
        int frame = 0;
        QImage image;
        std::shared_ptr<const Frame> pixels;
    };

    QString m_folder;
    modules::ModuleEnvironment *m_env;
    std::map<std::string, std::string> m_meta;
    world::WorldPipelineConfig m_replay; // engine, size, seed, parameters of the session (session::replayConfig)
    std::vector<session::FrameRow> m_rows;
    std::vector<session::MemoryEventRow> m_events;
    std::unique_ptr<media::VideoDecoder> m_decoder; // used by one worker at a time (m_decoding guards it)
    FramePane *m_recorded;
    FramePane *m_engine;
    QSlider *m_slider;
    QLabel *m_info;
    QLabel *m_metric;
    QLabel *m_plot;
    QPushButton *m_replayButton;
    std::atomic<int> m_wanted{0};
    bool m_decoding = false;
    QFutureWatcher<Decoded> m_decodeWatcher;
    std::shared_ptr<const Frame> m_recordedPixels;       // the recorded frame on screen, for comparisons
    std::unique_ptr<session::FrameComparer> m_comparer; // the engine side of Compare Frame (its own thread)
    QFutureWatcher<std::vector<double>> m_replayWatcher;
    std::vector<double> m_replayPsnr;
    QString m_metricText;
};

} // namespace mnemo::ui
