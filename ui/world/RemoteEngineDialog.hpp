#pragma once
// Connects the studio to a module served over the remote protocol (docs/remote-protocol.md): a ws:// address and a
// bearer token. Connecting runs in the World session (a worker describes the module); the dialog shows progress and
// the server's or the network's own words when it fails, and closes once the module is listed. One dialog for every
// place that offers a remote module (the World controls, the Plugins panel, Edit's "Add module" menu).

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace mnemo::ui {

class WorldSession;

class RemoteEngineDialog : public QDialog {
    Q_OBJECT
public:
    explicit RemoteEngineDialog(WorldSession &world, QWidget *parent = nullptr);

    // Shows the dialog modally; the id of the module it added, or empty when cancelled.
    static QString connectModule(WorldSession &world, QWidget *parent);

    QString moduleId() const { return m_moduleId; }
    QLineEdit *urlEdit() const { return m_url; }
    QLineEdit *tokenEdit() const { return m_token; }
    QLabel *statusLabel() const { return m_status; }
    QComboBox *formatCombo() const { return m_format; }

public slots:
    void connectNow();

private:
    void onConnected(const QString &id);
    void onFailed(const QString &reason);

    WorldSession &m_world;
    QLineEdit *m_url;
    QLineEdit *m_token;
    QComboBox *m_format;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    QString m_moduleId;
    bool m_connecting = false;
};

} // namespace mnemo::ui
