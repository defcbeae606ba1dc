// mnemo: the desktop studio. Wires the engine (headless core) to the Qt shell.

#include "inspect/InspectWorkspace.hpp"
#include "shell/MainWindow.hpp"
#include "world/viewport/PresenterInstance.hpp"

#include "mnemo/core/Version.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QVulkanInstance>

#include <cstdio>
#include <malloc.h>

int main(int argc, char **argv) {
    // Keep frame-sized blocks in the heap instead of mmap/munmap per frame (see mnemo-cli's main for the numbers).
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Mnemo");
    QApplication::setApplicationName("Mnemo");
    QApplication::setApplicationVersion(mnemo::kVersion);

    QCommandLineParser parser;
    parser.setApplicationDescription("Mnemo: memory-driven real-time generation studio");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption inspect("inspect", "Open an agent-memory store in the Inspect workspace.", "path");
    parser.addOption(inspect);
    QCommandLineOption workspace("workspace", "Start in a workspace: world, edit or inspect.", "name");
    parser.addOption(workspace);
    parser.process(app);
    const QStringList workspaces = {"world", "edit", "inspect"};
    const qsizetype chosen = workspaces.indexOf(parser.value(workspace).toLower());
    if (parser.isSet(workspace) && chosen < 0) {
        std::fprintf(stderr, "mnemo: --workspace takes world, edit or inspect, not '%s'\n",
                     qPrintable(parser.value(workspace)));
        return 2;
    }

    // Declared before the window so it outlives every Vulkan window that presents through it.
    mnemo::ui::PresenterInstance presenter = mnemo::ui::createPresenterInstance();
    mnemo::ui::MainWindow window(presenter.instance.get(), presenter.whyUnavailable);
    if (parser.isSet(inspect)) {
        window.inspect()->openStore(parser.value(inspect));
        window.setWorkspace(mnemo::ui::Workspace::Inspect);
    }
    if (chosen >= 0) window.setWorkspace(mnemo::ui::Workspace(chosen));
    window.show();
    return app.exec();
}
