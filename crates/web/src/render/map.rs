//! SVG maps of Mexico drawn from the state boundaries in the database: an
//! equirectangular projection scaled for Mexico's latitude, rounded to whole
//! pixels with repeated points dropped, so the file stays small. No tiles, no
//! third-party requests.

use super::escape;
use std::fmt::Write;

const WIDTH: f64 = 640.0;
const WEST: f64 = -118.6;
const EAST: f64 = -86.5;
const NORTH: f64 = 32.8;
const SOUTH: f64 = 14.4;

fn scale() -> f64 {
    WIDTH / (EAST - WEST)
}

/// Longitude degrees shrink with latitude; use Mexico's middle latitude.
fn aspect() -> f64 {
    (((NORTH + SOUTH) / 2.0).to_radians()).cos()
}

fn height() -> f64 {
    (NORTH - SOUTH) * scale() / aspect()
}

fn project(lon: f64, lat: f64) -> (i64, i64) {
    let x = (lon - WEST) * scale();
    let y = (NORTH - lat) * scale() / aspect();
    (x.round() as i64, y.round() as i64)
}

/// The outer rings of a GeoJSON Polygon or MultiPolygon, as SVG path data.
pub fn path_data(geometry: &serde_json::Value) -> String {
    let polygons: Vec<&serde_json::Value> = match geometry.get("type").and_then(|t| t.as_str()) {
        Some("Polygon") => geometry.get("coordinates").into_iter().collect(),
        Some("MultiPolygon") => geometry
            .get("coordinates")
            .and_then(|c| c.as_array())
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut out = String::new();
    for polygon in polygons {
        let Some(ring) = polygon.get(0).and_then(|r| r.as_array()) else {
            continue;
        };
        let mut last = None;
        let mut points = 0;
        let mut ring_path = String::new();
        for point in ring {
            let (Some(lon), Some(lat)) = (
                point.get(0).and_then(|v| v.as_f64()),
                point.get(1).and_then(|v| v.as_f64()),
            ) else {
                continue;
            };
            let p = project(lon, lat);
            if Some(p) == last {
                continue;
            }
            let _ = write!(
                ring_path,
                "{}{} {}",
                if points == 0 { "M" } else { "L" },
                p.0,
                p.1
            );
            last = Some(p);
            points += 1;
        }
        // Islands smaller than a few pixels vanish at this scale.
        if points >= 3 {
            out.push_str(&ring_path);
            out.push('Z');
        }
    }
    out
}

/// One state to draw: its path data, fill colour and accessible label;
/// `hatched` draws white stripes over the fill (a figure that says little).
pub struct Region {
    pub path: String,
    pub fill: &'static str,
    pub hatched: bool,
    pub label: String,
}

/// A point to mark on the map (a municipality's seat), sized by what it counts.
pub struct Marker {
    pub lon: f64,
    pub lat: f64,
    pub radius: f64,
    pub label: String,
}

/// A standalone SVG document with a title for assistive technology.
pub fn svg(title: &str, regions: &[Region], markers: &[Marker]) -> String {
    let mut out = format!(
        // Presentation attributes, not a <style> element: the site's
        // Content-Security-Policy allows no inline styles.
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="t"><title id="t">{title}</title><g stroke="#8c959f" stroke-width=".6">"##,
        w = WIDTH as i64,
        h = height().round() as i64,
        title = escape(title),
    );
    if regions.iter().any(|r| r.hatched) {
        out.push_str(r##"<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><path d="M0 0V5" stroke="#fff" stroke-width="2"/></pattern></defs>"##);
    }
    for region in regions {
        let _ = write!(
            out,
            r#"<path fill="{}" d="{}"><title>{}</title></path>"#,
            region.fill,
            region.path,
            escape(&region.label)
        );
        if region.hatched {
            let _ = write!(
                out,
                r#"<path fill="url(#hatch)" stroke="none" pointer-events="none" d="{}"/>"#,
                region.path
            );
        }
    }
    out.push_str("</g>");
    if !markers.is_empty() {
        out.push_str(r##"<g fill="#b35c00" fill-opacity=".8" stroke="#fff" stroke-width=".8">"##);
        for marker in markers {
            let (x, y) = project(marker.lon, marker.lat);
            let _ = write!(
                out,
                r#"<circle cx="{x}" cy="{y}" r="{:.1}"><title>{}</title></circle>"#,
                marker.radius,
                escape(&marker.label)
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings_become_closed_paths_without_repeated_points() {
        let square = serde_json::json!({"type": "Polygon", "coordinates": [[[-100.0, 20.0], [-99.0, 20.0], [-99.0, 21.0], [-99.0001, 21.0], [-100.0, 21.0], [-100.0, 20.0]]]});
        let d = path_data(&square);
        assert!(d.starts_with('M') && d.ends_with('Z'));
        assert_eq!(d.matches('L').count(), 4, "{d}");
        let speck = serde_json::json!({"type": "Polygon", "coordinates": [[[-100.0, 20.0], [-100.001, 20.0], [-100.0, 20.001]]]});
        assert_eq!(path_data(&speck), "");
        let svg = svg("Mapa <de> México", &[], &[]);
        assert!(svg.contains("role=\"img\"") && svg.contains("Mapa &lt;de&gt; México"));
        assert!(!svg.contains("<circle"));
    }

    #[test]
    fn markers_sit_at_their_projected_point_inside_the_frame() {
        let tapachula = Marker {
            lon: -92.26,
            lat: 14.9,
            radius: 3.0,
            label: "Tapachula: 5".into(),
        };
        let svg = svg("Mapa", &[], &[tapachula]);
        let (x, y) = project(-92.26, 14.9);
        assert!(
            svg.contains(&format!(r#"cx="{x}" cy="{y}" r="3.0""#)),
            "{svg}"
        );
        assert!(x > 0 && (x as f64) < WIDTH && y > 0 && (y as f64) < height());
        assert!(svg.contains("<title>Tapachula: 5</title>"));
    }
}
