from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "kindred.peers"
    label = "peers"
