// mnemo: the desktop studio. Wires the engine (headless core) to the Qt shell.

#include "shell/MainWindow.hpp"
#include "viewport/PresenterInstance.hpp"

#include "mnemo/core/Version.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QVulkanInstance>

int main(int argc, char **argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Mnemo");
    QApplication::setApplicationName("Mnemo");
    QApplication::setApplicationVersion(mnemo::kVersion);

    QCommandLineParser parser;
    parser.setApplicationDescription("Mnemo: memory-driven real-time generation studio");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    // Declared before the window so it outlives every Vulkan window that presents through it.
    mnemo::ui::PresenterInstance presenter = mnemo::ui::createPresenterInstance();
    mnemo::ui::MainWindow window(presenter.instance.get(), presenter.whyUnavailable);
    window.show();
    return app.exec();
}
