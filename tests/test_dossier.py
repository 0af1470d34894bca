"""一图斑一卷宗: the folder a case file needs, checked on its PDFs' text and pages and the photo map."""
import subprocess
import unicodedata

import numpy as np
import pytest
import shapely
from test_exif import CAMERA, GPS_NE, TAKEN, plain_jpeg, tiff, with_exif  # noqa: F401 (fixture)

from weipian_plugin.core.intake.importer import create_store_for, import_patches

LON, LAT = 117.5, 30.26  # GPS_NE's position, bearing 123.55°


def _text(pdf):
    """The PDF's text; Qt maps some glyphs to CJK radical supplements (⻚ for 页), read back here."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return unicodedata.normalize("NFKC", out).translate({0x2EDA: "页", 0x2ED8: "青", 0x2EC5: "见"})


def _pages(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def case_store(store_address, tmp_path, plain_jpeg, qgis_app):  # noqa: F811
    """Two patches on each backend; the first determined 违法, filed, partly demolished, with two photos and a
    PDF note."""
    from conftest import write_shapefile
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsProject

    from weipian_plugin.core.review import records

    centre = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"),
                                    QgsCoordinateReferenceSystem("EPSG:4527"), QgsProject.instance()).transform(
        QgsPointXY(LON, LAT))
    x, y = centre.x() - 30, centre.y() - 20  # the photo was taken inside the first patch
    shp = write_shapefile(tmp_path / "图斑.shp", [shapely.box(x, y, x + 60, y + 40),
                                                   shapely.box(x + 300, y, x + 340, y + 40)],
                          {"JCBH": ["5001992026000123", "5001992026000124"], "TBLX": ["20", "DT"],
                           "QSX": ["20250612"] * 2, "HSX": ["20260105"] * 2})
    store_path = store_address
    with create_store_for(store_path, shp) as store:
        import_patches(store, shp, "2026-01")
        fid = store.conn.execute("SELECT fid FROM patches WHERE jcbh = '5001992026000123'").fetchone()[0]
        records.save_determination(store, fid, {"result": "违法", "subtype": "非农违法", "violation_category": "新增",
                                                "violation_type": "工矿商服", "illegal_m2": 2000.0,
                                                "project_name": "青禾建材厂", "offender": "王某"}, "李审核")
        records.save_rectification(store, fid, {"case_filed": 1, "case_number": "青自然资罚〔2026〕3号",
                                                "demolished_m2": 600.0, "fine_yuan": 12000}, "赵执法")
        (tmp_path / "现场1.jpg").write_bytes(with_exif(plain_jpeg, tiff(CAMERA, TAKEN, GPS_NE)))
        (tmp_path / "现场2.jpg").write_bytes(plain_jpeg)
        (tmp_path / "询问笔录.pdf").write_bytes(b"%PDF-1.4 note")
        for name in ("现场1.jpg", "现场2.jpg", "询问笔录.pdf"):
            records.add_attachment(store, fid, tmp_path / name, actor="赵执法")
    return store_path, fid


def test_display_values_read_as_the_form_shows_them():
    from weipian_plugin.core.review.dossier import display_value

    assert display_value("case_filed", 1) == "是" and display_value("is_nonagri", 0) == "否"
    assert display_value("demolished_m2", 9953.39269031408) == "14.93 亩"
    assert display_value("at", "2026-03-15T10:20:30.123") == "2026-03-15 10:20:30"
    assert display_value("case_number", None) == "—" and display_value("fine_yuan", 12000) == "12,000.00"


def test_case_folder_has_index_figure_photos_records_and_originals(case_store, tmp_path):
    from weipian_plugin.exporters.dossier import FIGURE, INDEX, ORIGINALS, PHOTOS, RECORDS, export_dossiers

    store_path, fid = case_store
    folder, = export_dossiers(store_path, tmp_path / "卷宗", fids=[fid])
    assert folder.name == "5001992026000123"
    assert sorted(p.name for p in folder.iterdir()) == sorted([INDEX, FIGURE, PHOTOS, RECORDS, ORIGINALS])
    assert sorted(p.name for p in (folder / ORIGINALS).iterdir()) == ["现场1.jpg", "现场2.jpg", "询问笔录.pdf"]

    index = _text(folder / INDEX).replace(" ", "")
    assert "一图斑一卷宗" in index and FIGURE in index and PHOTOS in index and "2页" in index and "3个" in index
    assert "套合图" in _text(folder / FIGURE)

    records_text = _text(folder / RECORDS).replace(" ", "")
    assert "违法" in records_text and "青禾建材厂" in records_text and "是否立案" in records_text
    assert "3.00亩" in records_text and "0.90亩" in records_text  # 2000 m² and 600 m² as the form shows them
    assert "12,000.00" in records_text and "询问笔录.pdf" in records_text and "T10" not in records_text

    assert _pages(folder / PHOTOS) == 2
    photos = _text(folder / PHOTOS).replace(" ", "")
    assert "拍摄方向124°" in photos and "照片无位置信息" in photos and "现场照片1/2" in photos


def test_photo_map_marks_the_camera(case_store, tmp_path):
    from qgis.PyQt.QtGui import QImage

    from weipian_plugin.exporters.dossier import PHOTOS, export_dossiers

    store_path, fid = case_store
    folder, = export_dossiers(store_path, tmp_path, fids=[fid])
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(folder / PHOTOS),
                    str(tmp_path / "p")], check=True)
    image = QImage(str(tmp_path / "p.png")).convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    bits = image.constBits()
    bits.setsize(image.sizeInBytes())
    px = np.frombuffer(bits, np.uint8).reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3)
    small_map = px[int(h * 20 / 210): int(h * 110 / 210), int(w * 197 / 297): int(w * 287 / 297)]
    red = (small_map[..., 0] > 200) & (small_map[..., 1] < 60) & (small_map[..., 2] < 60)
    assert red.sum() > 20  # the camera dot and the arrow (the patch outline is drawn red on yellow too)


def test_processing_exportdossier_by_batch_with_cancel(weipian_provider, case_store, tmp_path):
    import processing
    from qgis.core import QgsProcessingFeedback

    store_path, _ = case_store
    result = processing.run("weipian:exportdossier", {"STORE": store_path, "BATCH": "2026-01",
                                                      "OUTPUT": str(tmp_path / "all")})
    assert result["COUNT"] == 2 and (tmp_path / "all" / "5001992026000124" / "00_目录.pdf").exists()
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda _: feedback.cancel())
    result = processing.run("weipian:exportdossier", {"STORE": store_path, "OUTPUT": str(tmp_path / "one")},
                            feedback=feedback)
    assert result["COUNT"] == 1
