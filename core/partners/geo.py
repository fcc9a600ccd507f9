"""Countries (ISO 3166-1) and their states/provinces (ISO 3166-2) as a small committed table.

Static reference data, shared by every tenant: Latin America, Spain, Portugal, the US and
Canada. Subdivisions are listed for PE, CL, MX and ES (the countries whose tax ids we check).
"""

from __future__ import annotations

from core.partners.model import Country, Region

# (numeric, alpha-2, English short name)
_COUNTRIES = [
    ("032", "AR", "Argentina"),
    ("068", "BO", "Bolivia"),
    ("076", "BR", "Brazil"),
    ("124", "CA", "Canada"),
    ("152", "CL", "Chile"),
    ("170", "CO", "Colombia"),
    ("188", "CR", "Costa Rica"),
    ("192", "CU", "Cuba"),
    ("214", "DO", "Dominican Republic"),
    ("218", "EC", "Ecuador"),
    ("222", "SV", "El Salvador"),
    ("320", "GT", "Guatemala"),
    ("340", "HN", "Honduras"),
    ("484", "MX", "Mexico"),
    ("558", "NI", "Nicaragua"),
    ("591", "PA", "Panama"),
    ("600", "PY", "Paraguay"),
    ("604", "PE", "Peru"),
    ("620", "PT", "Portugal"),
    ("630", "PR", "Puerto Rico"),
    ("724", "ES", "Spain"),
    ("840", "US", "United States of America"),
    ("858", "UY", "Uruguay"),
    ("862", "VE", "Venezuela"),
]

_REGIONS: dict[str, list[tuple[str, str]]] = {
    "PE": [
        ("AMA", "Amazonas"),
        ("ANC", "Áncash"),
        ("APU", "Apurímac"),
        ("ARE", "Arequipa"),
        ("AYA", "Ayacucho"),
        ("CAJ", "Cajamarca"),
        ("CAL", "El Callao"),
        ("CUS", "Cusco"),
        ("HUV", "Huancavelica"),
        ("HUC", "Huánuco"),
        ("ICA", "Ica"),
        ("JUN", "Junín"),
        ("LAL", "La Libertad"),
        ("LAM", "Lambayeque"),
        ("LIM", "Lima"),
        ("LMA", "Municipalidad Metropolitana de Lima"),
        ("LOR", "Loreto"),
        ("MDD", "Madre de Dios"),
        ("MOQ", "Moquegua"),
        ("PAS", "Pasco"),
        ("PIU", "Piura"),
        ("PUN", "Puno"),
        ("SAM", "San Martín"),
        ("TAC", "Tacna"),
        ("TUM", "Tumbes"),
        ("UCA", "Ucayali"),
    ],
    "CL": [
        ("AI", "Aysén"),
        ("AN", "Antofagasta"),
        ("AP", "Arica y Parinacota"),
        ("AR", "La Araucanía"),
        ("AT", "Atacama"),
        ("BI", "Biobío"),
        ("CO", "Coquimbo"),
        ("LI", "Libertador General Bernardo O'Higgins"),
        ("LL", "Los Lagos"),
        ("LR", "Los Ríos"),
        ("MA", "Magallanes"),
        ("ML", "Maule"),
        ("NB", "Ñuble"),
        ("RM", "Región Metropolitana de Santiago"),
        ("TA", "Tarapacá"),
        ("VS", "Valparaíso"),
    ],
    "MX": [
        ("AGU", "Aguascalientes"),
        ("BCN", "Baja California"),
        ("BCS", "Baja California Sur"),
        ("CAM", "Campeche"),
        ("CHH", "Chihuahua"),
        ("CHP", "Chiapas"),
        ("CMX", "Ciudad de México"),
        ("COA", "Coahuila de Zaragoza"),
        ("COL", "Colima"),
        ("DUR", "Durango"),
        ("GRO", "Guerrero"),
        ("GUA", "Guanajuato"),
        ("HID", "Hidalgo"),
        ("JAL", "Jalisco"),
        ("MEX", "México"),
        ("MIC", "Michoacán de Ocampo"),
        ("MOR", "Morelos"),
        ("NAY", "Nayarit"),
        ("NLE", "Nuevo León"),
        ("OAX", "Oaxaca"),
        ("PUE", "Puebla"),
        ("QUE", "Querétaro"),
        ("ROO", "Quintana Roo"),
        ("SIN", "Sinaloa"),
        ("SLP", "San Luis Potosí"),
        ("SON", "Sonora"),
        ("TAB", "Tabasco"),
        ("TAM", "Tamaulipas"),
        ("TLA", "Tlaxcala"),
        ("VER", "Veracruz de Ignacio de la Llave"),
        ("YUC", "Yucatán"),
        ("ZAC", "Zacatecas"),
    ],
    "ES": [
        ("AN", "Andalucía"),
        ("AR", "Aragón"),
        ("AS", "Asturias, Principado de"),
        ("CN", "Canarias"),
        ("CB", "Cantabria"),
        ("CL", "Castilla y León"),
        ("CM", "Castilla-La Mancha"),
        ("CT", "Catalunya"),
        ("CE", "Ceuta"),
        ("EX", "Extremadura"),
        ("GA", "Galicia"),
        ("IB", "Illes Balears"),
        ("RI", "La Rioja"),
        ("MD", "Madrid, Comunidad de"),
        ("ML", "Melilla"),
        ("MC", "Murcia, Región de"),
        ("NC", "Navarra, Comunidad Foral de"),
        ("PV", "País Vasco"),
        ("VC", "Valenciana, Comunitat"),
    ],
}

COUNTRIES: list[Country] = [Country(id=n, iso=a, description=d) for n, a, d in _COUNTRIES]
_BY_KEY: dict[str, Country] = {}
for _c in COUNTRIES:
    _BY_KEY[_c.id] = _c
    _BY_KEY[_c.iso] = _c

REGIONS: dict[str, list[Region]] = {
    cc: [Region(id=f"{cc}-{code}", country_iso=cc, name=name) for code, name in items]
    for cc, items in _REGIONS.items()
}
_REGION_BY_ID: dict[str, Region] = {r.id: r for rs in REGIONS.values() for r in rs}


def country(key: str) -> Country | None:
    """A country by numeric code (``604``) or alpha-2 code (``PE``, any case)."""
    return _BY_KEY.get(key.strip().upper())


def region(region_id: str) -> Region | None:
    """A subdivision by its ISO 3166-2 code (``PE-LIM``, any case)."""
    return _REGION_BY_ID.get(region_id.strip().upper())


def regions_of(country_iso: str) -> list[Region]:
    return REGIONS.get(country_iso.upper(), [])
