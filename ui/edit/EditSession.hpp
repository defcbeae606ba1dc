#pragma once
// The Edit workspace's model, the counterpart of WorldSession and InspectSession: it owns the edit player (which
// runs the chain on its own engine thread), the chain as the user arranges it, the in/out points and the render job.
// Widgets observe it and call its slots; none reaches into the player.
//
// Two cadences: the newest (source, result) pair is polled every kPreviewPollMs and handed to the preview
// (previewChanged), and everything else (state, figures, the per-frame records for the timeline) is published every
// kPublishMs (viewChanged). The records are snapshotted off the player (chunks shared, not copied: FrameRecords)
// only when they changed, and only at that cadence.
//
// Sources: a file, an image or image folder, a V4L2 camera, or the live World stream. The stream is not pulled from
// ui/world (the workspaces do not know each other): the session asks for it (worldStreamWanted) and the shell feeds
// pushLiveFrame() from the World's engine thread while the Edit workspace is active.

#include "mnemo/edit/CameraPath.hpp"
#include "mnemo/edit/EditPlayer.hpp"
#include "mnemo/edit/EditRender.hpp"
#include "mnemo/edit/ParamKeys.hpp"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

class QTimer;

namespace mnemo::ui {

struct EditRenderState {
    bool running = false;
    uint64_t done = 0, expected = 0;
    double etaS = 0;         // seconds left, from the rate so far; 0 while unknown
    QString output;          // the file being (or last) written
    QString outcome;         // the last render's result or error, for the status line
};

// One published picture of the edit, for the timeline, the chain panel and the status line.
struct EditView {
    QString source;          // what is open: a path, a device, or kWorldStream; empty when nothing is
    QString problem;         // why the last open failed
    double previewLatencyMs = 0; // source frame handed out (World: the input that drove it) -> preview, smoothed
    edit::EditPlayerStats stats;
    std::shared_ptr<const edit::FrameRecords> records; // a snapshot, replaced (never changed) when the player's change
    std::optional<uint64_t> inPoint, outPoint;
    EditRenderState render;
};

class EditSession : public QObject {
    Q_OBJECT
public:
    static constexpr int kPublishMs = 100;
    static constexpr int kPreviewPollMs = 15;
    static const QString kWorldStream; // the source name of the live World stream

    explicit EditSession(QObject *parent = nullptr);
    ~EditSession() override;

    // The shell hands over the modules once the World's environment exists (the sessions share it: one device).
    void setEnvironment(modules::ModuleEnvironment *env);
    bool hasEnvironment() const { return m_env != nullptr; }
    // Edit modules found, by id.
    std::vector<const modules::LoadedModule *> editModules() const;
    const modules::LoadedModule *findModule(const std::string &id) const;

    // The chain as the user arranged it (bypass flags as set; solo is applied on top when the player gets it).
    const std::vector<edit::ChainLink> &chain() const { return m_chain; }
    int soloLink() const { return m_solo; } // -1: none
    const EditView &view() const { return m_view; }
    bool isLive() const { return m_view.stats.live; }

    // The virtual camera's path (keyframes over frames), driving the first virtual-camera link; never null.
    std::shared_ptr<const edit::CameraPath> cameraPath() const { return m_cameraPath; }
    // Parameter moves recorded as keys (EditSessionKeys.cpp): while recording, a run-time parameter moved on a
    // playing or paused file keys its value at the frame on screen; renders and playback then follow the keys.
    bool recordingKeys() const { return m_recordKeys; }
    // The chain's modules that run isolated in their own process (the Plugins panel's choice).
    QStringList isolatedModules() const;
    size_t keyCount(int link) const; // 0 for a link without keys
    QStringList keyedParams(int link) const;
    int cameraLink() const; // the first virtual-camera link, or -1

    // Thread: any (the World's engine thread). Ignored unless the World stream is the source.
    void pushLiveFrame(const std::shared_ptr<const Frame> &frame);

public slots:
    void openSource(const QString &spec); // a file, a folder of images, /dev/videoN
    void openWorldStream();
    // The Edit workspace is on screen (or not): a file pauses when hidden, the World stream is only taken while shown.
    void setActive(bool active);

    void setPlaying(bool playing);
    void togglePlaying();
    void step(int frames);
    void seek(quint64 frame);
    void setLoop(bool loop);
    void markIn();
    void markOut();
    void clearInOut();

    void addModule(const QString &id);
    void removeLink(int link);
    void moveLink(int link, int delta);
    void setBypass(int link, bool bypass);
    void setSolo(int link); // -1 clears
    void setParam(int link, const QString &name, double value, bool loadTime);
    void setMakeDifference(bool on);
    void setTextParam(int link, const QString &name, const QString &text); // text params load at create: new chain
    void setGpuUse(mnemo::edit::GpuUse use);
    // A chain that fails (an isolated module's crash or hang) is made again and goes on, instead of stopping.
    void setRestartFailedChain(bool restart);

    // The camera path. keyCamera: a keyframe at the frame on screen from the virtual camera's values (a
    // virtual-camera link is added first if the chain has none). nudgeCamera: a preview drag or wheel; with keyframes
    // it keys the frame on screen, without it sets the parameters.
    void keyCamera();
    void deleteCameraKey();
    void clearCameraPath();
    void nudgeCamera(double panX, double panY, double zoomFactor);
    bool loadCameraPath(const QString &file); // false: the error is in view().problem and the log
    bool saveCameraPath(const QString &file);

    void setRecordingKeys(bool on);
    void clearKeys(int link); // every key of the link; its parameters keep their current values

    // Renders the source (between the in and out points when set) through the chain to `path`.
    void render(const QString &path, mnemo::media::VideoCodec codec, int crf = 18); // crf: H.264's quality
    void cancelRender();

signals:
    void previewChanged(std::shared_ptr<const mnemo::edit::PreviewPair> pair);
    void viewChanged(const mnemo::ui::EditView &view);
    void chainChanged();
    void cameraPathChanged();
    void keysChanged();
    void sourceChanged(const QString &source);
    void worldStreamWanted(bool wanted);
    // The user asked to add a module served over the network: the shell, which owns the World session that connects
    // remote modules, asks for the address and adds the module if it is an edit module.
    void remoteModuleWanted();
    void renderFinished(bool ok, const QString &message);

private:
    struct Opened {
        std::unique_ptr<edit::EditPlayer> player;
        QString spec;
        std::string error;
    };
    void startOpening(const QString &spec);
    void onOpened();
    std::vector<edit::ChainLink> effectiveChain() const;
    void chainEdited();
    void pollPreview();
    void publish();
    void onRenderFinished();
    void updateWorldStreamWish();
    void setCameraPath(std::shared_ptr<const edit::CameraPath> path);
    modules::ParamValues cameraValues() const; // the virtual camera's values at the frame on screen
    void setStreamTarget(edit::EditPlayer *player);
    std::shared_ptr<const edit::ParamAutomation> automationOf(int link) const; // keys over the camera path
    void recordKey(int link, const std::string &name, double value);
    double currentValue(int link, const std::string &name) const; // the link's value, or the module's default

    modules::ModuleEnvironment *m_env = nullptr;
    std::unique_ptr<edit::EditPlayer> m_player;
    std::mutex m_streamMutex;             // guards m_streamTarget: pushLiveFrame runs on the World's thread
    edit::EditPlayer *m_streamTarget = nullptr; // m_player while it edits the World stream
    std::vector<edit::ChainLink> m_chain;
    std::shared_ptr<const edit::CameraPath> m_cameraPath = std::make_shared<edit::CameraPath>();
    int m_solo = -1;
    bool m_recordKeys = false;
    std::map<std::pair<int, std::string>, uint64_t> m_lastKeyFrame; // this recording pass: a held move's last key
    bool m_active = false;
    bool m_loop = true;
    bool m_makeDifference = false;
    edit::GpuUse m_gpuUse = edit::GpuUse::Auto;
    bool m_restartFailedChain = false;
    bool m_worldStreamWanted = false;
    QFutureWatcher<std::shared_ptr<Opened>> m_openWatcher;
    QString m_opening;
    uint64_t m_recordsVersion = 0;
    EditView m_view;
    QTimer *m_previewTimer;
    QTimer *m_publishTimer;

    // The render job: its own chain instances on a pool thread; progress and cancel through atomics.
    QFutureWatcher<Result<edit::EditRenderResult>> m_renderWatcher;
    std::shared_ptr<std::atomic<uint64_t>> m_renderDone, m_renderExpected;
    std::shared_ptr<std::atomic<bool>> m_renderCancel;
    qint64 m_renderStartMs = 0;
    edit::EditRenderConfig m_renderConfig; // the running (or last) render's, recorded next to its output
};

} // namespace mnemo::ui

Q_DECLARE_METATYPE(mnemo::ui::EditView)
