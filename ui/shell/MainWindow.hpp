#pragma once
// Mnemo's main window: the workspace switcher (World, Edit, Inspect), dockable panels, menus with shortcuts,
// a status bar, and window/dock state persisted with QSettings.

#include <QMainWindow>
#include <QPointer>

#include <memory>

class QVulkanInstance;
class QStackedWidget;
class QTabBar;
class QLabel;
class QActionGroup;

namespace mnemo::ui {

class WorldWorkspace;
class WorldSession;
class EngineDock;
class LogDock;
class PluginsDock;
class WorldControlsDock;
class MemoryPanel;
class SessionsDock;
class ReplayWindow;
class InspectWorkspace;
class EditWorkspace;

enum class Workspace { World = 0, Edit = 1, Inspect = 2 };

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `vulkan` may be null; the World workspace then uses its software viewport and shows `whyNoVulkan`.
    explicit MainWindow(QVulkanInstance *vulkan, const QString &whyNoVulkan = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    Workspace workspace() const;
    WorldSession *worldSession() const { return m_worldSession; }
    WorldWorkspace *world() const { return m_world; }
    InspectWorkspace *inspect() const { return m_inspect; }
    EditWorkspace *edit() const { return m_edit; }
    EngineDock *engineDock() const { return m_engineDock; }
    LogDock *logDock() const { return m_logDock; }
    PluginsDock *pluginsDock() const { return m_pluginsDock; }
    WorldControlsDock *controlsDock() const { return m_controlsDock; }
    MemoryPanel *memoryPanel() const { return m_memoryPanel; }
    SessionsDock *sessionsDock() const { return m_sessionsDock; }

public slots:
    void setWorkspace(mnemo::ui::Workspace workspace);
    void resetLayout();
    void showAbout();
    // Opens a recorded session in a replay window (null, after a message box, if it cannot be read).
    ReplayWindow *openSession(const QString &folder);

signals:
    void workspaceChanged(mnemo::ui::Workspace workspace);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createWorkspaces(QVulkanInstance *vulkan, const QString &whyNoVulkan);
    void createDocks();
    void wireEditToWorld();
    void createMenus();
    void createFileMenu();
    void createViewMenu();
    void createWorldMenu();
    void createEditMenu();
    void createInspectMenu();
    void createHelpMenu();
    void createStatusBar();
    void restoreSettings();
    void useScreenForFirstSize();
    void sizeDocksForFirstStart();
    void saveSettings() const;
    void updateStatus();
    void showWorkspaceHint(Workspace workspace);

    QStackedWidget *m_stack = nullptr;
    QTabBar *m_tabs = nullptr;
    QActionGroup *m_workspaceActions = nullptr;
    WorldSession *m_worldSession = nullptr;
    WorldWorkspace *m_world = nullptr;
    InspectWorkspace *m_inspect = nullptr;
    EditWorkspace *m_edit = nullptr;
    EngineDock *m_engineDock = nullptr;
    LogDock *m_logDock = nullptr;
    PluginsDock *m_pluginsDock = nullptr;
    WorldControlsDock *m_controlsDock = nullptr;
    MemoryPanel *m_memoryPanel = nullptr;
    SessionsDock *m_sessionsDock = nullptr;
    QLabel *m_recordIndicator = nullptr;
    std::vector<QPointer<ReplayWindow>> m_replays;
    QLabel *m_controlIndicator = nullptr;
    QLabel *m_deviceLabel = nullptr;
    QLabel *m_fpsLabel = nullptr;
    QByteArray m_defaultState;
    uint64_t m_lastPresented = 0;
};

} // namespace mnemo::ui
