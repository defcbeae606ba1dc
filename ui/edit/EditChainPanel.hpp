#pragma once
// The chain editor: the links in order (a check box bypasses a link, S solos it), buttons to add a module, remove,
// and move the selected link up or down, the time each link takes per frame, and the generated parameter form of
// the selected link, with the recording of its moves as keys. Every change goes to the session; the panel redraws from the session's chain.

#include "edit/EditSession.hpp"

#include <QWidget>

class QListWidget;
class QListWidgetItem;
class QToolButton;
class QLabel;

namespace mnemo::ui {

class ParamForm;

class EditChainPanel : public QWidget {
    Q_OBJECT
public:
    explicit EditChainPanel(EditSession &session, QWidget *parent = nullptr);

    QListWidget *list() const { return m_list; }
    ParamForm *form() const { return m_form; }
    int selectedLink() const;
    void selectLink(int link);

private:
    void rebuild();
    void showForm();
    void onItemChanged(QListWidgetItem *item);
    void fillAddMenu();
    void updateTimes(const EditView &view);
    void showKeys(); // the selected link's parameter keys and whether moves are being recorded
    QString linkText(size_t link, double msPerFrame) const;

    EditSession &m_session;
    QListWidget *m_list;
    QToolButton *m_add, *m_remove, *m_up, *m_down, *m_solo;
    QLabel *m_formTitle;
    ParamForm *m_form;
    QToolButton *m_recordKeys, *m_clearKeys;
    QLabel *m_keysLabel;
    bool m_rebuilding = false;
};

} // namespace mnemo::ui
