"""Enums QGIS moved into ``Qgis`` after 3.22 (and QgsField's type), one name for every version from 3.22 to 4.

The old homes (``QgsWkbTypes.GeometryType``, ``QgsMapLayerProxyModel.Filter``, ``QgsProcessing.SourceType``
…) are deprecated aliases in 3.40 and gone in QGIS 4; the new ones do not exist in 3.22. This is the
only module that names the old homes (tests/test_code_layout.py enforces it).
"""
from qgis.core import (
    Qgis,
    QgsMapLayerProxyModel,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingParameterNumber,
    QgsUnitTypes,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QMetaType, QVariant

if hasattr(Qgis, "GeometryType"):  # QGIS >= 3.30
    LINE_GEOMETRY = Qgis.GeometryType.Line
    POLYGON_GEOMETRY = Qgis.GeometryType.Polygon
else:
    LINE_GEOMETRY = QgsWkbTypes.GeometryType.LineGeometry
    POLYGON_GEOMETRY = QgsWkbTypes.GeometryType.PolygonGeometry

# QGIS >= 3.30
RENDER_POINTS = Qgis.RenderUnit.Points if hasattr(Qgis, "RenderUnit") else QgsUnitTypes.RenderUnit.RenderPoints

# QGIS >= 3.30
LAYOUT_MILLIMETERS = (Qgis.LayoutUnit.Millimeters if hasattr(Qgis, "LayoutUnit")
                      else QgsUnitTypes.LayoutUnit.LayoutMillimeters)

# QGIS >= 3.34; the member names are the same in both
LayerFilter = getattr(Qgis, "LayerFilter", None) or QgsMapLayerProxyModel.Filter

if hasattr(Qgis, "ProcessingSourceType"):  # QGIS >= 3.36, as are the two below
    VECTOR_POLYGON_SOURCE = Qgis.ProcessingSourceType.VectorPolygon
    NO_THREADING = Qgis.ProcessingAlgorithmFlag.NoThreading
    INTEGER_NUMBER = Qgis.ProcessingNumberParameterType.Integer
else:
    VECTOR_POLYGON_SOURCE = QgsProcessing.SourceType.TypeVectorPolygon
    NO_THREADING = QgsProcessingAlgorithm.Flag.FlagNoThreading
    INTEGER_NUMBER = QgsProcessingParameterNumber.Type.Integer

# QgsField takes a QMetaType from 3.38 (QVariant.Type is deprecated there and does not exist in Qt6)
STRING_FIELD = QMetaType.Type.QString if Qgis.QGIS_VERSION_INT >= 33800 else QVariant.Type.String
DOUBLE_FIELD = QMetaType.Type.Double if Qgis.QGIS_VERSION_INT >= 33800 else QVariant.Type.Double
