#include "MainWindow.hpp"

#include "world/EngineDock.hpp"
#include "LogDock.hpp"
#include "world/MemoryPanel.hpp"
#include "world/PluginsDock.hpp"
#include "world/RemoteEngineDialog.hpp"
#include "world/SessionsDock.hpp"
#include "world/ReplayWindow.hpp"
#include "world/WorldControlsDock.hpp"
#include "edit/EditWorkspace.hpp"
#include "world/WorldSession.hpp"
#include "world/WorldWorkspace.hpp"
#include "inspect/InspectWorkspace.hpp"

#include "mnemo/core/BuildInfo.hpp"
#include "mnemo/core/Guard.hpp"
#include "mnemo/core/Log.hpp"
#include "mnemo/core/Version.hpp"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QGuiApplication>
#include <QScreen>
#include <QStyle>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabBar>
#include <QTimer>
#include <QToolBar>

namespace mnemo::ui {
namespace {
const char *const kWorkspaceNames[] = {"World", "Edit", "Inspect"};
constexpr int kWorkspaceCount = 3;
constexpr int kLogStripHeight = 90;
constexpr int kRightColumnWidth = 350;
} // namespace

MainWindow::MainWindow(QVulkanInstance *vulkan, const QString &whyNoVulkan, QWidget *parent) : QMainWindow(parent) {
    setObjectName("mainWindow");
    setWindowTitle(tr("Mnemo"));
    setDockNestingEnabled(true);
    createWorkspaces(vulkan, whyNoVulkan);
    createDocks();
    createMenus();
    createStatusBar();
    m_defaultState = saveState();
    restoreSettings();
}

MainWindow::~MainWindow() {
    // The World's engine thread feeds the Edit session while it edits the stream: unhook before either goes. Edit's
    // modules (and their GPU buffers) live in the World's environment, so Edit goes first: child order would not
    // promise it (setCentralWidget moves the stack behind the session).
    m_worldSession->setStreamSink(nullptr);
    delete m_edit;
    m_edit = nullptr;
    // Replay windows use the engine environment the World workspace owns: they go first (their destructors wait
    // for their workers).
    for (const auto &replay : m_replays) delete replay.data();
    // ~QWidget closes the window and moves focus, so children still emit (the viewport's captureChanged on focus
    // out) after this object is no longer a MainWindow; UBSan caught updateStatus() being called then.
    for (QObject *child : findChildren<QObject *>()) child->disconnect(this);
}

void MainWindow::createWorkspaces(QVulkanInstance *vulkan, const QString &whyNoVulkan) {
    m_stack = new QStackedWidget(this);
    m_worldSession = new WorldSession(this);
    m_world = new WorldWorkspace(*m_worldSession, vulkan, whyNoVulkan, m_stack);
    m_stack->addWidget(m_world);
    m_edit = new EditWorkspace(m_stack);
    m_stack->addWidget(m_edit);
    wireEditToWorld();
    m_inspect = new InspectWorkspace(m_stack);
    m_stack->addWidget(m_inspect);
    // The sample store opens in the background so the workspace is never empty on first look.
    if (const QString sample = InspectWorkspace::sampleStorePath(); !sample.isEmpty()) m_inspect->openStore(sample);
    setCentralWidget(m_stack);

    // The switcher is a tab bar in its own toolbar, so it can be moved like any toolbar and its state persists.
    auto *bar = addToolBar(tr("Workspaces"));
    bar->setObjectName("workspaceToolBar");
    bar->setMovable(false);
    m_tabs = new QTabBar(bar);
    m_tabs->setObjectName("workspaceTabs");
    m_tabs->setDrawBase(false);
    m_tabs->setExpanding(false);
    for (int i = 0; i < kWorkspaceCount; ++i) {
        m_tabs->addTab(tr(kWorkspaceNames[i]));
        m_tabs->setTabToolTip(i, tr("%1 workspace (Ctrl+%2)").arg(tr(kWorkspaceNames[i])).arg(i + 1));
    }
    bar->addWidget(m_tabs);
    connect(m_tabs, &QTabBar::currentChanged, this, [this](int index) { setWorkspace(Workspace(index)); });
    connect(m_world, &WorldWorkspace::captureChanged, this, &MainWindow::updateStatus);
}

// Edit runs its modules in the World's environment (one device, one module registry), and can take the World's
// frames as its live source: the shell hooks the World's stream sink while Edit asks for it.
void MainWindow::wireEditToWorld() {
    EditSession *edit = &m_edit->session();
    auto giveEnvironment = [this, edit] {
        edit->setEnvironment(m_worldSession->environment());
        if (m_stack->currentIndex() == int(Workspace::Edit)) edit->setActive(true);
    };
    connect(m_worldSession, &WorldSession::environmentReady, edit, giveEnvironment);
    if (m_worldSession->environment()) giveEnvironment();
    connect(edit, &EditSession::remoteModuleWanted, this, [this, edit] {
        const QString id = RemoteEngineDialog::connectModule(*m_worldSession, this);
        if (id.isEmpty()) return;
        const auto *module = edit->findModule(id.toStdString());
        if (module && module->kind == modules::ModuleKind::Edit) return edit->addModule(id);
        statusBar()->showMessage(tr("'%1' is a world module: choose it in the World workspace").arg(id), 8000);
    });
    connect(edit, &EditSession::worldStreamWanted, this, [this, edit](bool wanted) {
        if (!wanted) return m_worldSession->setStreamSink(nullptr);
        m_worldSession->setStreamSink([edit](const std::shared_ptr<const Frame> &frame) { edit->pushLiveFrame(frame); });
    });
}

void MainWindow::createDocks() {
    m_controlsDock = new WorldControlsDock(*m_worldSession, this);
    addDockWidget(Qt::RightDockWidgetArea, m_controlsDock);
    m_engineDock = new EngineDock(*m_worldSession, this);
    addDockWidget(Qt::RightDockWidgetArea, m_engineDock);
    m_logDock = new LogDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    m_pluginsDock = new PluginsDock(*m_worldSession, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_pluginsDock);
    tabifyDockWidget(m_logDock, m_pluginsDock);
    m_sessionsDock = new SessionsDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_sessionsDock);
    tabifyDockWidget(m_logDock, m_sessionsDock);
    m_logDock->raise();
    connect(m_sessionsDock, &SessionsDock::openRequested, this, &MainWindow::openSession);
    connect(m_worldSession, &WorldSession::recordingChanged, this, [this](bool recording) {
        updateStatus();
        // The finished session appears once its recorder has closed the files.
        if (!recording) QTimer::singleShot(1500, m_sessionsDock, &SessionsDock::refresh);
    });
    m_memoryPanel = new MemoryPanel(this);
    addDockWidget(Qt::RightDockWidgetArea, m_memoryPanel);
    tabifyDockWidget(m_engineDock, m_memoryPanel);
    m_memoryPanel->raise();
    connect(m_worldSession, &WorldSession::viewChanged, m_memoryPanel, &MemoryPanel::setView);
    // The right column runs the full height and the log sits under the workspace only, as a strip: stacked under
    // the docks, its height added to theirs and pushed the window past a 1280x800 screen.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
}

void MainWindow::createMenus() {
    createFileMenu();
    createViewMenu();
    createWorldMenu();
    createEditMenu();
    createInspectMenu();
    createHelpMenu();
}

void MainWindow::createFileMenu() {
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Memory Bank..."), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Memory Bank"), {},
                                                          tr("Memory banks (*.mnemo-memory *.sqlite);;All files (*)"));
        if (!path.isEmpty()) m_worldSession->openMemory(path);
    });
    open->setShortcut(QKeySequence::Open);
    QAction *save = file->addAction(tr("&Save Memory Bank..."), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save Memory Bank"), "memory.mnemo-memory",
                                                          tr("Memory banks (*.mnemo-memory *.sqlite)"));
        if (!path.isEmpty()) m_worldSession->saveMemory(path);
    });
    save->setShortcut(QKeySequence::Save);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setShortcutContext(Qt::ApplicationShortcut);
}

void MainWindow::createViewMenu() {
    QMenu *view = menuBar()->addMenu(tr("&View"));
    m_workspaceActions = new QActionGroup(this);
    for (int i = 0; i < kWorkspaceCount; ++i) {
        QAction *a = view->addAction(tr("%1 Workspace").arg(tr(kWorkspaceNames[i])));
        a->setObjectName(QStringLiteral("action%1Workspace").arg(kWorkspaceNames[i]));
        a->setCheckable(true);
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        a->setShortcutContext(Qt::ApplicationShortcut);
        a->setData(i);
        m_workspaceActions->addAction(a);
        connect(a, &QAction::triggered, this, [this, i] { setWorkspace(Workspace(i)); });
    }
    m_workspaceActions->actions().first()->setChecked(true);
    view->addSeparator();
    // Each dock's show/hide action, with its shortcut.
    const std::pair<QDockWidget *, Qt::Key> docks[] = {{m_engineDock, Qt::Key_E},   {m_logDock, Qt::Key_L},
                                                       {m_controlsDock, Qt::Key_W}, {m_memoryPanel, Qt::Key_M},
                                                       {m_sessionsDock, Qt::Key_S}, {m_pluginsDock, Qt::Key_P}};
    for (const auto &[dock, key] : docks) {
        QAction *toggle = dock->toggleViewAction();
        toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | key));
        view->addAction(toggle);
    }
    view->addSeparator();
    QAction *reset = view->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout);
    reset->setObjectName("actionResetLayout");
}

void MainWindow::createWorldMenu() {
    QMenu *worldMenu = menuBar()->addMenu(tr("&World"));
    QAction *pause = worldMenu->addAction(tr("&Pause / Resume"), m_controlsDock, &WorldControlsDock::togglePause);
    pause->setObjectName("actionPause");
    pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    QAction *resetWorld = worldMenu->addAction(tr("&Reset"), m_controlsDock, &WorldControlsDock::reset);
    resetWorld->setObjectName("actionResetWorld");
    resetWorld->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    QAction *record = worldMenu->addAction(tr("R&ecord Session"), m_worldSession, &WorldSession::toggleRecording);
    record->setObjectName("actionRecord");
    record->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    record->setCheckable(true);
    connect(m_worldSession, &WorldSession::recordingChanged, record, &QAction::setChecked);
    worldMenu->addAction(tr("Release &Control"), m_world, &WorldWorkspace::releaseControl);
}

void MainWindow::createEditMenu() {
    QMenu *editMenu = menuBar()->addMenu(tr("&Edit"));
    const auto inEdit = [this](auto action) {
        return [this, action] {
            setWorkspace(Workspace::Edit);
            action(*m_edit);
        };
    };
    QAction *open = editMenu->addAction(tr("&Open Video or Image..."),
                                        this, inEdit([](EditWorkspace &e) { e.chooseSource(); }));
    open->setObjectName("actionEditOpen");
    open->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    editMenu->addAction(tr("Open Image &Folder or Recorded Session..."), this,
                        inEdit([](EditWorkspace &e) { e.chooseFolder(); }));
    editMenu->addAction(tr("Edit the &World Stream"), this,
                        inEdit([](EditWorkspace &e) { e.session().openWorldStream(); }));
    editMenu->addSeparator();
    editMenu->addAction(tr("&Load Camera Path..."), this, inEdit([](EditWorkspace &e) { e.chooseCameraPath(); }));
    editMenu->addAction(tr("&Save Camera Path..."), this, inEdit([](EditWorkspace &e) { e.saveCameraPathAs(); }));
    editMenu->addSeparator();
    QAction *render = editMenu->addAction(tr("&Render..."), this,
                                          inEdit([](EditWorkspace &e) { e.chooseRenderFile(); }));
    render->setObjectName("actionEditRender");
    render->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_R));
}

void MainWindow::createInspectMenu() {
    QMenu *inspectMenu = menuBar()->addMenu(tr("&Inspect"));
    QAction *openStore = inspectMenu->addAction(tr("&Open Agent Memory Store..."), this, [this] {
        setWorkspace(Workspace::Inspect);
        m_inspect->chooseStore();
    });
    openStore->setObjectName("actionOpenAgentStore");
    openStore->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction *openDir = inspectMenu->addAction(tr("Open Store &Directory..."), this, [this] {
        setWorkspace(Workspace::Inspect);
        m_inspect->chooseStoreDirectory();
    });
    openDir->setObjectName("actionOpenAgentStoreDir");
    QAction *openDatabase = inspectMenu->addAction(tr("Open &Database (PostgreSQL)..."), this, [this] {
        setWorkspace(Workspace::Inspect);
        m_inspect->chooseDatabase();
    });
    openDatabase->setObjectName("actionOpenDatabase");
    openDatabase->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    QAction *openSample = inspectMenu->addAction(tr("Open the &Sample Store"), this, [this] {
        setWorkspace(Workspace::Inspect);
        if (const QString sample = InspectWorkspace::sampleStorePath(); !sample.isEmpty()) m_inspect->openStore(sample);
    });
    openSample->setEnabled(!InspectWorkspace::sampleStorePath().isEmpty());
    QAction *find = inspectMenu->addAction(tr("&Find in Store"), this, [this] {
        setWorkspace(Workspace::Inspect);
        m_inspect->focusSearch();
    });
    find->setShortcut(QKeySequence::Find);
}

void MainWindow::createHelpMenu() {
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Mnemo"), this, &MainWindow::showAbout);
    about->setObjectName("actionAbout");
    about->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::createStatusBar() {
    m_recordIndicator = new QLabel(this);
    m_recordIndicator->setObjectName("recordIndicator");
    m_recordIndicator->setStyleSheet("QLabel { color: white; background: #c62828; padding: 1px 6px; border-radius: 3px; }");
    m_recordIndicator->hide();
    statusBar()->addPermanentWidget(m_recordIndicator);
    m_controlIndicator = new QLabel(this);
    m_controlIndicator->setObjectName("controlIndicator");
    m_deviceLabel = new QLabel(this);
    m_deviceLabel->setObjectName("deviceLabel");
    m_fpsLabel = new QLabel(this);
    m_fpsLabel->setObjectName("fpsLabel");
    statusBar()->addPermanentWidget(m_controlIndicator);
    statusBar()->addPermanentWidget(m_deviceLabel);
    statusBar()->addPermanentWidget(m_fpsLabel);
    showWorkspaceHint(Workspace::World);
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &MainWindow::updateStatus);
    timer->start(1000);
    updateStatus();
}

void MainWindow::updateStatus() {
    const WorldView &view = m_worldSession->view();
    if (view.recording) {
        const auto &stats = view.recordingStats;
        const qint64 s = view.recordingMs / 1000;
        m_recordIndicator->setText(tr("● REC %1:%2  %3 frames%4")
                                       .arg(s / 60)
                                       .arg(s % 60, 2, 10, QChar('0'))
                                       .arg(stats.framesWritten)
                                       .arg(stats.framesDropped ? tr(", %1 dropped (disk too slow)").arg(stats.framesDropped)
                                                                : QString()));
        m_recordIndicator->setToolTip(m_worldSession->recordingFolder());
        m_recordIndicator->show();
    } else {
        m_recordIndicator->hide();
    }
    m_controlIndicator->setText(m_world->capturing() ? tr("● Controlling viewport (Esc releases)") : QString());
    m_deviceLabel->setText(m_engineDock->deviceText());
    // Called once a second by the timer; the capture signal may call it in between, which only shortens one sample.
    const uint64_t presented = m_world->presentedEngineFrames();
    m_fpsLabel->setText(tr("%1 frames/s shown").arg(presented - m_lastPresented));
    m_lastPresented = presented;
}

// Each workspace's first steps, shown while nothing more urgent is in the status bar.
void MainWindow::showWorkspaceHint(Workspace workspace) {
    QString hint;
    switch (workspace) {
    case Workspace::World:
        hint = tr("Click the viewport, then WASD to walk and the mouse to look; Esc releases. Ctrl+1/2/3 switch workspaces.");
        break;
    case Workspace::Edit:
        hint = tr("Space plays, Left/Right step, I/O set in and out, V changes the comparison; Open… a video or edit "
                  "the World stream. Ctrl+1/2/3 switch workspaces.");
        break;
    case Workspace::Inspect:
        hint = tr("Open Store… (Ctrl+Shift+O) reads Mem0, Chroma, LangGraph, Letta, MCP memory and Mnemo stores, "
                  "Open Database… (Ctrl+Alt+O) a LangGraph PostgreSQL checkpointer; "
                  "search, select and time-travel in every view. "
                  "Ctrl+1/2/3 switch workspaces.");
        break;
    }
    statusBar()->showMessage(hint);
    // The frame rate and device describe the World's engine: shown with it only.
    m_fpsLabel->setVisible(workspace == Workspace::World);
    m_controlIndicator->setVisible(workspace == Workspace::World);
    m_deviceLabel->setVisible(workspace == Workspace::World);
}

Workspace MainWindow::workspace() const { return Workspace(m_stack->currentIndex()); }

void MainWindow::setWorkspace(Workspace workspace) {
    const int index = int(workspace);
    if (index < 0 || index >= kWorkspaceCount) return;
    if (m_stack->currentIndex() == index && m_tabs->currentIndex() == index) return;
    if (workspace != Workspace::World) m_world->releaseControl();
    // The World's docks belong to the World: they step aside for the other workspaces and come back as they were.
    const bool leavingWorld = m_stack->currentIndex() == int(Workspace::World) && workspace != Workspace::World;
    for (QDockWidget *dock : std::initializer_list<QDockWidget *>{m_controlsDock, m_engineDock, m_memoryPanel,
                                                                  m_pluginsDock, m_sessionsDock}) {
        if (!dock) continue;
        if (leavingWorld) {
            dock->setProperty("visibleInWorld", dock->isVisible());
            dock->hide();
        } else if (workspace == Workspace::World && dock->property("visibleInWorld").isValid()) {
            dock->setVisible(dock->property("visibleInWorld").toBool());
        }
    }
    m_stack->setCurrentIndex(index);
    m_edit->session().setActive(workspace == Workspace::Edit);
    m_tabs->setCurrentIndex(index);
    m_workspaceActions->actions().at(index)->setChecked(true);
    showWorkspaceHint(workspace);
    emit workspaceChanged(workspace);
}

ReplayWindow *MainWindow::openSession(const QString &folder) {
    QString error;
    ReplayWindow *window = nullptr;
    // A slot: nothing may escape it. Reading the session's metadata can throw (a malformed number), which makes it a
    // session that cannot be opened, reported like any other.
    const Status opened = guarded("opening session " + folder.toStdString(), [&] {
        faultPoint("ui.replay.open");
        window = ReplayWindow::open(folder, m_worldSession->environment(), &error);
    });
    if (!opened.ok()) error = QString::fromStdString(opened.message());
    if (!window) {
        // Said in the log, the status bar and a box that does not block the event loop (the engine keeps running).
        log::error("session", error.toStdString());
        statusBar()->showMessage(tr("Cannot open session: %1").arg(error), 10000);
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot open session"), error, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return nullptr;
    }
    window->show(); // deleted when closed, or by ~MainWindow at the latest
    m_replays.push_back(window);
    return window;
}

// The log is a strip under the workspace; the right column is wide enough for the World's forms.
void MainWindow::sizeDocksForFirstStart() {
    resizeDocks({m_logDock}, {kLogStripHeight}, Qt::Vertical);
    resizeDocks({m_controlsDock}, {kRightColumnWidth}, Qt::Horizontal);
}

void MainWindow::resetLayout() {
    restoreState(m_defaultState);
    sizeDocksForFirstStart();
    for (QDockWidget *dock : {static_cast<QDockWidget *>(m_engineDock), static_cast<QDockWidget *>(m_logDock),
                              static_cast<QDockWidget *>(m_controlsDock), static_cast<QDockWidget *>(m_pluginsDock),
                              static_cast<QDockWidget *>(m_memoryPanel), static_cast<QDockWidget *>(m_sessionsDock)}) {
        dock->show();
    }
    m_logDock->raise();
    m_memoryPanel->raise();
}

void MainWindow::showAbout() {
    QString libs;
    for (const auto &[name, version] : libraryVersions()) {
        libs += QStringLiteral("<br>%1 %2").arg(QString::fromStdString(name), QString::fromStdString(version));
    }
    QMessageBox::about(this, tr("About Mnemo"),
                       tr("<h3>Mnemo %1</h3><p>A studio for memory-driven real-time generation: interactive world "
                          "models, streaming video editing and agent-memory inspection.</p>"
                          "<p>Build: %2, Qt %3<br>Engine device: %4%5</p>")
                           .arg(kVersion, kBuildType, qVersion(), m_engineDock->deviceText(), libs));
}

void MainWindow::restoreSettings() {
    QSettings settings;
    if (!restoreGeometry(settings.value("mainWindow/geometry").toByteArray())) useScreenForFirstSize();
    if (!restoreState(settings.value("mainWindow/state").toByteArray())) {
        // Dock sizes only take once the window has its size: the first start sets them when the event loop runs.
        QTimer::singleShot(0, this, &MainWindow::sizeDocksForFirstStart);
    }
    setWorkspace(Workspace(settings.value("mainWindow/workspace", 0).toInt()));
}

// The first start (no saved geometry): most of the screen, centred. Small screens (a 1280x800 laptop) get all of
// it, since every workspace has docks beside a viewport that should not shrink to a stamp.
void MainWindow::useScreenForFirstSize() {
    const QScreen *screen = QGuiApplication::primaryScreen();
    if (!screen) {
        resize(1280, 800);
        return;
    }
    const QRect available = screen->availableGeometry();
    const double share = available.width() <= 1440 ? 1.0 : 0.85;
    // The title bar a window manager adds is outside this geometry: leave it room.
    constexpr int kTitleBar = 32;
    const QSize size(int(available.width() * share), int(available.height() * share) - kTitleBar);
    setGeometry(QStyle::alignedRect(Qt::LeftToRight, Qt::AlignCenter, size, available));
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue("mainWindow/geometry", saveGeometry());
    settings.setValue("mainWindow/state", saveState());
    settings.setValue("mainWindow/workspace", int(workspace()));
}

void MainWindow::closeEvent(QCloseEvent *event) {
    saveSettings();
    for (const auto &replay : m_replays) {
        if (replay) replay->close();
    }
    event->accept();
}

} // namespace mnemo::ui
