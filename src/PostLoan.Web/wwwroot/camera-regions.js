// Camera page (画框): where the region overlay lies on the screen, and pointer capture so a drag that leaves the
// image still ends on it. Everything else is Blazor pointer events on the SVG.
window.postloanCamera = {
    start: function (svg, pointerId) {
        try { svg.setPointerCapture(pointerId); } catch (e) { /* the pointer is already gone */ }
        var r = svg.getBoundingClientRect();
        return [r.left, r.top, r.width, r.height];
    }
};
