"""The package list, which pyproject.toml cannot express: services/ installs as `printforge_services`.

The repository keeps the layout services/auth, services/generator, ... while the installed import
name is project-scoped (pyproject's package-dir maps the one to the other). `packages.find` in
pyproject.toml names packages after their directories, so the mapped ones are listed here.
"""

from setuptools import find_packages, setup

SERVICES = ["printforge_services", *(f"printforge_services.{name}" for name in find_packages("services"))]

setup(
    packages=[
        *find_packages(include=["printforge", "printforge.*", "printforge_cli", "printforge_cli.*"]),
        *SERVICES,
    ]
)
