#include "ComingNextPanel.hpp"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace mnemo::ui {

ComingNextPanel::ComingNextPanel(const QString &title, const QString &plan, QWidget *parent) : QWidget(parent) {
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    auto *heading = new QLabel(QStringLiteral("<h2>%1 — coming next</h2>").arg(title.toHtmlEscaped()), this);
    heading->setAlignment(Qt::AlignCenter);
    auto *body = new QLabel(plan + tr("<p><i>Not implemented yet: this panel is a placeholder.</i></p>"), this);
    body->setObjectName("comingNextText");
    body->setAlignment(Qt::AlignCenter);
    body->setWordWrap(true);
    body->setMaximumWidth(620);
    layout->addWidget(heading, 0, Qt::AlignHCenter);
    // Centred by stretches, not by an alignment flag: a word-wrapped label placed with an alignment gets no
    // height-for-width and its text was cut off after three lines.
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(body, 4);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(2);
}

} // namespace mnemo::ui
