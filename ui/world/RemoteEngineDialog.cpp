#include "RemoteEngineDialog.hpp"

#include "WorldSession.hpp"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace mnemo::ui {

namespace {
const char *kUrlKey = "remote/lastUrl"; // the address and format are remembered; the token is not (it is a secret)
const char *kFormatKey = "remote/frameFormat";
}

RemoteEngineDialog::RemoteEngineDialog(WorldSession &world, QWidget *parent)
    : QDialog(parent), m_world(world), m_url(new QLineEdit(this)), m_token(new QLineEdit(this)),
      m_format(new QComboBox(this)), m_status(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)) {
    setObjectName("remoteEngineDialog");
    setWindowTitle(tr("Connect a remote engine"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("A world or edit module served over Mnemo's remote protocol: <tt>mnemo-cli serve</tt> "
                                "on another machine, or a model served with the Python SDK (docs/python-sdk.md)."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    m_url->setObjectName("remoteUrl");
    m_url->setPlaceholderText("ws://HOST:PORT");
    m_url->setText(QSettings().value(kUrlKey, "ws://127.0.0.1:7070").toString());
    m_url->setMinimumWidth(320);
    form->addRow(tr("Address"), m_url);
    m_token->setObjectName("remoteToken");
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("the server's bearer token"));
    form->addRow(tr("Token"), m_token);
    m_format->setObjectName("remoteFormat");
    m_format->addItem(tr("Raw RGBA (exact; for a fast network)"), "rgba");
    m_format->addItem(tr("JPEG (about 20x smaller, lossy)"), "jpeg");
    m_format->setCurrentIndex(std::max(0, m_format->findData(QSettings().value(kFormatKey, "rgba"))));
    m_format->setToolTip(tr("How the server sends frames back; a server without JPEG sends raw RGBA"));
    form->addRow(tr("Frames"), m_format);
    layout->addLayout(form);
    m_status->setObjectName("remoteStatus");
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &RemoteEngineDialog::connectNow);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(this, &QDialog::rejected, this, [this] {
        if (m_connecting) m_world.cancelRemote(); // cancelled: the module must not appear later on its own
        m_connecting = false;
    });
    connect(&m_world, &WorldSession::remoteConnected, this, &RemoteEngineDialog::onConnected);
    connect(&m_world, &WorldSession::remoteFailed, this, &RemoteEngineDialog::onFailed);
}

QString RemoteEngineDialog::connectModule(WorldSession &world, QWidget *parent) {
    RemoteEngineDialog dialog(world, parent);
    return dialog.exec() == QDialog::Accepted ? dialog.moduleId() : QString();
}

void RemoteEngineDialog::connectNow() {
    m_connecting = true;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    m_status->setStyleSheet({});
    m_status->setText(tr("Connecting to %1...").arg(m_url->text().trimmed()));
    m_world.connectRemote(m_url->text(), m_token->text(), m_format->currentData().toString());
}

void RemoteEngineDialog::onConnected(const QString &id) {
    if (!m_connecting) return; // another dialog's connection
    m_connecting = false;
    m_moduleId = id;
    QSettings().setValue(kUrlKey, m_url->text().trimmed());
    QSettings().setValue(kFormatKey, m_format->currentData());
    accept();
}

void RemoteEngineDialog::onFailed(const QString &reason) {
    if (!m_connecting) return;
    m_connecting = false;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
    m_status->setStyleSheet("color: #c83c32");
    m_status->setText(reason);
}

} // namespace mnemo::ui
