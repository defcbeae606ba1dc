#pragma once
// Top-down map of the memory bank: the trajectory, every entry as a view cone (clustered in screen space when they
// would overlap), the sample points of the last retrieval, the picks with their thumbnails and scores, and the
// current camera. North (+z) is up and +x is to the LEFT, so a camera turning right (positive yaw, towards -x) turns
// clockwise on the map, as it does in the viewport. Pan and zoom are PanZoomView's: the wheel zooms about the cursor,
// a left drag pans, a left click picks an entry, a double click fits the view to the bank again.
//
// The screen layout (entry positions, glyphs, a grid of the visible entries) is cached until the snapshot, the view or
// the size changes, so hovering over 10k entries looks at a few grid cells, not at the whole bank.

#include "common/PanZoomView.hpp"
#include "mnemo/memory/MemorySnapshot.hpp"

#include <QHash>
#include <QImage>
#include <QPixmap>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace mnemo::ui {

class MemoryMapView : public PanZoomView {
    Q_OBJECT
public:
    explicit MemoryMapView(QWidget *parent = nullptr);

    void setSnapshot(std::shared_ptr<const memory::MemorySnapshot> snapshot); // cheap: the layout is rebuilt lazily
    // The camera of the frame on screen (the World session publishes it); without one the snapshot's newest is drawn.
    void setDisplayedCamera(const std::optional<camera::CameraFrame> &camera);
    const memory::MemorySnapshot *snapshot() const { return m_snapshot.get(); }

    // Widget coordinates of an entry's position; nullopt when the id is not in the snapshot.
    std::optional<QPointF> screenPosition(quint64 entryId) const;
    // The entry nearest to `pos` within a few pixels (visible entries only).
    std::optional<quint64> entryAt(QPointF pos) const;
    QPointF worldToScreen(double x, double z) const { return view().toScreen(x, z); }
    QPointF screenToWorld(QPointF pos) const { return view().toWorld(pos); } // returns (x, z)

    double scale() const { return view().scale; } // pixels per world unit
    void resetView() { fitView(); }               // back to the auto-fit (double-click)
    bool autoFit() const { return isFitted(); }

    void setSelectedEntry(std::optional<quint64> entryId);
    std::optional<quint64> selectedEntry() const { return m_selected; }
    std::optional<quint64> hoveredEntry() const;

    int drawnConeCount() const { return m_drawnCones; }       // glyphs drawn by the last paint
    int drawnClusterCount() const { return m_drawnClusters; } // of which stand for more than one entry

    // Shared with the timeline so both read the same age scale: t = 0 oldest (cool, dark) .. 1 newest (warm).
    static QColor ageColor(double t);
    // Where `step` lies between the oldest entry's write step (0) and the snapshot's step (1).
    static double ageFraction(const memory::MemorySnapshot &snapshot, uint64_t step);
    // Distinct colours for retrieval picks, by pick index.
    static QColor pickColor(int pick);
    // A QImage of an entry's RGBA8 thumbnail, cached per id (null image when the entry has none).
    QImage thumbnail(const memory::MemorySnapshot::Entry &entry) const;

signals:
    void entryActivated(quint64 entryId); // a click on an entry

protected:
    std::optional<MapViewport> fittedView() const override;
    ScaleRange scaleRange(double fittedScale) const override;
    void viewChanged(ViewChange change) override;
    Press pressKind(const QMouseEvent &event) const override;
    void clicked(QPointF pos) override;

    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    // One cone on screen: a single entry, or the entries binned into one grid cell.
    struct Glyph {
        QPointF pos;
        QPointF dir;      // unit heading on screen
        float spread = 0; // extra half-angle (radians) for a cluster's heading spread
        int count = 1;
        float age = 0; // 0 oldest .. 1 newest
        float readFraction = 0;
    };
    struct Layout {
        bool valid = false;
        bool clustered = false;
        std::vector<QPointF> screen; // per entry index
        std::vector<Glyph> glyphs;
        std::vector<int> glyphOf;   // per entry index: its glyph, or -1 when off screen
        int cols = 0, rows = 0;     // the screen grid, kCell pixels a cell: clustering and hover lookups
        std::vector<int> cellStart; // cols * rows + 1 offsets into cellItems
        std::vector<int> cellItems; // indices of the visible entries, grouped by cell
        int visible = 0;
    };

    void invalidateLayout();
    void updateFitBounds();
    void followCamera();
    void ensureLayout() const;
    void binVisible(Layout &layout) const;
    void buildGlyphs(Layout &layout) const;
    std::optional<int> nearestIndex(QPointF pos, double radius) const;
    int indexOf(quint64 entryId) const;
    QPointF headingOnScreen(float yawDeg) const;
    bool cameraPose(QPointF &pos, QPointF &dir) const;

    void renderBase();
    void paintGrid(QPainter &p) const;
    void paintSamples(QPainter &p) const;
    void paintTrajectory(QPainter &p) const;
    void paintCones(QPainter &p);
    void paintPicks(QPainter &p) const;
    void paintCamera(QPainter &p) const;
    void paintSelection(QPainter &p) const;
    void paintLegend(QPainter &p) const;
    void paintStatus(QPainter &p) const;
    void paintHover(QPainter &p) const;
    QStringList describe(int index) const;
    void paintEmpty(QPainter &p) const;

    std::shared_ptr<const memory::MemorySnapshot> m_snapshot;
    std::optional<camera::CameraFrame> m_displayedCamera;
    const camera::CameraFrame *shownCamera() const;
    QRectF m_fitBounds; // world (x, z) bounds the auto-fit shows; grows, shrinks only on big changes
    bool m_cameraWasVisible = true;
    std::optional<quint64> m_selected;
    std::optional<QPointF> m_hoverPos;
    int m_drawnCones = 0;
    int m_drawnClusters = 0;
    mutable Layout m_layout;
    QPixmap m_base; // everything but the overlays, so hovering does not redraw 10k cones
    bool m_baseValid = false;
    struct CachedThumb {
        const void *data = nullptr;
        QImage image;
    };
    mutable QHash<quint64, CachedThumb> m_thumbs;
};

} // namespace mnemo::ui
